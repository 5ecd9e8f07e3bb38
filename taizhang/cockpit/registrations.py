"""What the home pages and the cockpit declare to the core: a menu entry, no models."""

from django.utils.translation import gettext_lazy as _

from taizhang.cockpit.access import may_open_cockpit
from taizhang.core.registry import MenuItem, registry

registry.menu_items(
    MenuItem(_("Cockpit"), "cockpit:cockpit", may_open_cockpit, weight=90),
)
