"""What the bulletin app declares: its events, audited types, restore guard, menu, jobs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from taizhang.accounts.scope import acts_for_office
from taizhang.bulletin.jobs import KINDS
from taizhang.core.registry import MenuItem, model_labels, registry
from taizhang.jobs.kinds import register

registry.events({
    "bulletin.published": _("Bulletin published"),
    "bulletinsettings.created": _("Bulletin settings created"),
    "bulletinsettings.updated": _("Bulletin settings changed"),
})
registry.audited("bulletin.bulletin", _("published bulletin"),
                 not_browsable="published once and never edited: the list of bulletins is "
                               "its record")
registry.audited("bulletin.bulletinsettings", _("bulletin settings"),
                 not_browsable="a few words of the masthead; their events name each change")
registry.backup(office_data=model_labels("bulletin"))
# After the audit and the assessment (150), before the office's own pages (155).
registry.menu_items(MenuItem(_("Bulletin"), "bulletin:index", acts_for_office, weight=152))

for kind in KINDS:
    register(kind)
