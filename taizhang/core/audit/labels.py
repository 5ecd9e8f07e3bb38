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
    "ledger.imported": _("Ledger imported"),
    "audit.exported": _("Audit trail exported"),
    "audit.purged": _("Old audit events purged"),
    "user.created": _("User created"),
    "user.updated": _("User changed"),
    "user.deleted": _("User deleted"),
    "user.password_changed": _("Password set by an administrator"),
    "group.created": _("Group created"),
    "group.updated": _("Group changed"),
    "group.deleted": _("Group deleted"),
    "organization.created": _("Organization created"),
    "organization.updated": _("Organization changed"),
    "organization.deleted": _("Organization deleted"),
    "person.created": _("Person created"),
    "person.updated": _("Person changed"),
    "person.deleted": _("Person deleted"),
    "division.created": _("Division created"),
    "division.updated": _("Division changed"),
    "division.deleted": _("Division deleted"),
    "officesettings.created": _("Office settings created"),
    "officesettings.updated": _("Office settings changed"),
    "officesettings.deleted": _("Office settings deleted"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
