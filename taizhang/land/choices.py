from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AllocationStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ALLOCATED = "allocated", pgettext_lazy("land", "Allocated")
    SUPPLIED = "supplied", pgettext_lazy("land", "Supplied")


class ConsolidationKind(models.TextChoices):
    CONSOLIDATION = "consolidation", _("Land consolidation (土地整治)")
    IDLE = "idle", _("Idle land revitalised (盘活存量)")


class ConsolidationStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("land", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("land", "In progress")
    COMPLETED = "completed", pgettext_lazy("land", "Completed")
