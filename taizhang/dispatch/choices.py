from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingKind(models.TextChoices):
    CENTRALIZED = "centralized", _("Centralized dispatch meeting")
    SINGLE_PROJECT = "single_project", _("Single-project dispatch meeting")
    ON_SITE = "on_site", _("On-site dispatch")


class ProblemCategory(models.TextChoices):
    LAND = "land", _("Land")
    FINANCING = "financing", _("Financing")
    PROCEDURES = "procedures", _("Procedures and approvals")
    PLANNING = "planning", _("Planning")
    ENVIRONMENT = "environment", _("Environment")
    UTILITIES = "utilities", _("Power, water and gas")
    DEMOLITION = "demolition", _("Demolition")
    LABOUR = "labour", _("Labour")
    OTHER = "other", _("Other")


class ProblemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("problem status", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    PROPOSED = "proposed", _("Resolution proposed")
    RESOLVED = "resolved", _("Resolved")
    ESCALATED = "escalated", _("Escalated")


# Not yet resolved: what counts as open, and what can fall overdue.
UNRESOLVED = (ProblemStatus.OPEN, ProblemStatus.IN_PROGRESS, ProblemStatus.PROPOSED,
              ProblemStatus.ESCALATED)
