from django.db import models
from django.utils.translation import gettext_lazy as _


class LampColor(models.TextChoices):
    """A lamp's colour, best first: ``RANK`` orders them (the worst colour wins)."""

    GREEN = "green", _("green lamp")
    YELLOW = "yellow", _("yellow lamp")
    RED = "red", _("red lamp")


#: 0 green, 1 yellow, 2 red: sorting, and the worst of several rules.
RANK: dict[str, int] = {LampColor.GREEN: 0, LampColor.YELLOW: 1, LampColor.RED: 2}


class ConsequenceKind(models.TextChoices):
    TALK = "talk", _("summoned talk")
    LETTER = "letter", _("supervision letter")
