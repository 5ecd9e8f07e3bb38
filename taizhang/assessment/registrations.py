"""What the assessment declares to the core: its events, audited types, the restore guard's
tables and its menu entry."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from taizhang.accounts.scope import acts_for_office
from taizhang.core.registry import MenuItem, model_labels, registry

registry.events({
    "assessment.scheme_created": _("Assessment scheme created"),
    "assessment.scheme_saved": _("Assessment scheme changed"),
    "assessment.deduction_added": _("Assessment deduction entered"),
    "assessment.deduction_withdrawn": _("Assessment deduction withdrawn"),
    "assessment.published": _("Assessment ranking published"),
})
registry.change_keys({"assessed": _("unit or township"), "ranked": _("rows ranked"),
                      "scored_by": _("scored by the scheme")})

# No history pages: each event holds its whole change, read in the audit trail and its export.
registry.audited("assessment.scheme", _("assessment scheme"),
                 not_browsable="every save records the whole scheme's changes in one event")
registry.audited("assessment.deduction", _("assessment deduction"),
                 not_browsable="entered and withdrawn, never edited: two events tell it all")
registry.audited("assessment.result", _("assessment result"),
                 not_browsable="published once and never changed")
registry.unaudited({
    "assessment.indicator": "recorded in its scheme's assessment.scheme_saved event",
})
registry.backup(office_data=model_labels("assessment"))

registry.menu_items(
    MenuItem(_("Assessment"), "assessment:ranking",
             lambda user: acts_for_office(user) and user.division_id is not None, weight=147),
)
