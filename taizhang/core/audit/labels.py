"""Readable, translated names of the named audit events."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "project.created": _("Project created"),
    "project.updated": _("Project changed"),
    "project.stage_changed": _("Stage changed"),
    "plan.created": _("Annual plan set"),
    "plan.updated": _("Annual plan changed"),
    "keylist.created": _("Key list created"),
    "keylist.applied": _("Applied for a key list"),
    "keylist.decided": _("Key list application decided"),
    "report.created": _("Monthly report started"),
    "report.updated": _("Monthly report changed"),
    "report.submitted": _("Monthly report submitted"),
    "report.approved": _("Monthly report approved"),
    "report.returned": _("Monthly report returned"),
    "report.reopened": _("Approved report reopened"),
    "report.imported": _("Monthly figures imported"),
    "report.photo_added": _("Photo added"),
    "report.photo_removed": _("Photo removed"),
    "ledger.exported": _("Ledger exported"),
    "scenario.generated": _("Synthetic ledger generated"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
