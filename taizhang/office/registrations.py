"""What the office app declares to the core: its events and its menu entry.

Its writes are on accounts' and the ledger's models (declared there); the events below are
the ones only the office's pages record.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from taizhang.accounts.scope import acts_for_office
from taizhang.core.registry import MenuItem, registry

registry.events({
    "officesettings.month_opened": _("Next reporting month opened"),
    "user.deactivated": _("User deactivated"),
    "user.reactivated": _("User reactivated"),
})

registry.menu_items(
    MenuItem(_("Office"), "office:settings", acts_for_office, weight=155),
)
