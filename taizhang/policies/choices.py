from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PolicyLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", pgettext_lazy("policy level", "Provincial")
    CITY = "city", _("City")
    COUNTY = "county", pgettext_lazy("policy level", "County")


class EnterpriseSize(models.TextChoices):
    """Enterprise size (大中小微, the statistics bureau's classification)."""

    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class KeyLevel(models.IntegerChoices):
    """The best key list an enterprise's project is approved on: a policy asking for a level
    takes that level or a higher one (provincial > prefectural > county)."""

    COUNTY = 1, _("County / city key list or higher")
    PREFECTURE = 2, _("Prefectural key list or higher")
    PROVINCE = 3, _("Provincial key list")


# The ledger's list levels (ledger.choices.ListLevel) as ranks.
LIST_RANK = {"county": KeyLevel.COUNTY, "prefecture": KeyLevel.PREFECTURE,
             "province": KeyLevel.PROVINCE}
