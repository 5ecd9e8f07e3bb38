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
    # Login and sessions (accounts/security/).
    "auth.login": _("Logged in"),
    "auth.logout": _("Logged out"),
    "auth.session_expired": _("Logged out after inactivity"),
    "auth.login_failed": _("Failed login"),
    "auth.locked_out": _("Account locked after failed logins"),
    "auth.unlocked": _("Account unlocked"),
    "auth.address_unlocked": _("Network address allowed again"),
    "auth.password_changed": _("Password changed"),
    "auth.totp_enabled": _("Second factor switched on"),
    "auth.totp_disabled": _("Second factor switched off"),
    "auth.permission_denied": _("Access refused"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
