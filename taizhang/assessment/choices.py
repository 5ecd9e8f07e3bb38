from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Who is ranked: responsible units (organizations) or townships (divisions)."""

    UNIT = "unit", _("Responsible units")
    TOWNSHIP = "township", _("Townships")


class Mark(models.TextChoices):
    REWARD = "reward", _("Reward")
    SUMMON = "summon", _("Summoned talk")


class DeductionKind(models.TextChoices):
    CRITICISM = "criticism", _("Public criticism (通报批评)")
    OTHER = "other", _("Other")
