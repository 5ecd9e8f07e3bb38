from django.db import models
from django.utils.translation import gettext_lazy as _


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published to banks")
    MATCHED = "matched", _("Matched with a loan")
    CLOSED = "closed", _("Closed")


#: What a bank may read: a need the office published (and what became of it since).
VISIBLE_TO_BANKS = (NeedStatus.PUBLISHED, NeedStatus.MATCHED)
