from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", pgettext_lazy("procedure status", "Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("procedure status", "In progress")
    DONE = "done", pgettext_lazy("procedure status", "Done")
    NOT_NEEDED = "not_needed", pgettext_lazy("procedure status", "Not needed")


# Who may move an item's status where: the office any move below; an owner or a department
# only forward (start, finish). Re-opening a finished item or waiving one is the office's.
TRANSITIONS: dict[str, set[str]] = {
    ItemStatus.NOT_STARTED: {ItemStatus.IN_PROGRESS, ItemStatus.DONE, ItemStatus.NOT_NEEDED},
    ItemStatus.IN_PROGRESS: {ItemStatus.DONE, ItemStatus.NOT_STARTED, ItemStatus.NOT_NEEDED},
    ItemStatus.DONE: {ItemStatus.IN_PROGRESS},
    ItemStatus.NOT_NEEDED: {ItemStatus.NOT_STARTED},
}
FORWARD: dict[str, set[str]] = {
    ItemStatus.NOT_STARTED: {ItemStatus.IN_PROGRESS, ItemStatus.DONE},
    ItemStatus.IN_PROGRESS: {ItemStatus.DONE},
}
OPEN_STATUSES = (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS)


class StandardKind(models.TextChoices):
    """The standard checklist every project starts with (DOMAIN.md, "Procedures")."""

    APPROVAL = "approval", _("Project approval / authorization / filing")
    LAND_PRE_REVIEW = "land_pre_review", _("Land-use pre-review")
    LAND_PLANNING = "land_planning", _("Land-use planning permit")
    LAND_ACQUIRED = "land_acquired", _("Land acquired (grant contract / title)")
    ENGINEERING_PLANNING = "engineering_planning", _("Engineering planning permit")
    ENVIRONMENT = "environment", _("Environmental impact assessment")
    ENERGY = "energy", _("Energy review")
    CONSTRUCTION_PERMIT = "construction_permit", _("Construction permit")


# The standard checklist's rows (code, name as the office writes it, order, time limit in
# working days): made by migration 0002 and again by `services.standard_kinds` if missing.
STANDARD_ROWS = (
    (StandardKind.APPROVAL, "立项（审批/核准/备案）", 10, 20),
    (StandardKind.LAND_PRE_REVIEW, "用地预审", 20, None),
    (StandardKind.LAND_PLANNING, "用地规划许可", 30, None),
    (StandardKind.LAND_ACQUIRED, "土地出让/取得不动产权证（拿地）", 40, None),
    (StandardKind.ENGINEERING_PLANNING, "工程规划许可", 50, None),
    (StandardKind.ENVIRONMENT, "环境影响评价", 60, None),
    (StandardKind.ENERGY, "节能审查", 70, None),
    (StandardKind.CONSTRUCTION_PERMIT, "施工许可", 80, None),
)
