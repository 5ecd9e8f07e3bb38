"""What the scenarios declare to the core (core/registry.py): the generator's event."""

from django.utils.translation import gettext_lazy as _

from taizhang.core.registry import registry

registry.events({"scenario.generated": _("Synthetic ledger generated")})
