from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from taizhang.core.forms import BoundedDateField, CalendarDateInput, MoneyField, VersionField
from taizhang.core.limits import limit_form_fields
from taizhang.core.parsing import parse_int
from taizhang.ledger.choices import STAGE_TRANSITIONS, Stage
from taizhang.ledger.filters import LIST_CHOICES
from taizhang.ledger.models import AnnualPlan, MonthlyReport, Project, StageChange

_PLANS_PREFIX = "plans:"


class ProjectByName(forms.CharField):
    """A project typed by its exact name or code (a select of 100,000 projects is no
    control), among those the form may pick (set `projects` on the field)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=200, **kwargs)
        self.projects = Project.objects.none()

    def clean(self, value: Any) -> Any:
        name = super().clean(value)
        if not name:
            return None
        return self.find(name)

    def find(self, name: str) -> Project:
        found = list(self.projects.filter(Q(name=name.strip()) | Q(code=name.strip()))[:2])
        if len(found) != 1:
            raise forms.ValidationError(
                _("No single project of yours is called “%(name)s”: type its exact name or "
                  "code.") % {"name": name})
        return found[0]


def plan_versions(plans: Iterable[AnnualPlan]) -> str:
    """What the plan form carries: "plans:2022=3,2023=1" ("plans:" when there was none)."""
    return _PLANS_PREFIX + ",".join(f"{plan.year}={plan.version}" for plan in plans)


def parse_plan_versions(text: str) -> dict[int, int] | None:
    """Year → version from `plan_versions`; None if missing or malformed."""
    if not text.startswith(_PLANS_PREFIX):
        return None
    seen: dict[int, int] = {}
    for item in filter(None, text[len(_PLANS_PREFIX):].split(",")[:500]):
        year, _sep, version = item.partition("=")
        y, v = parse_int(year), parse_int(version)
        if y is None or v is None:
            return None
        seen[y] = v
    return seen


class MonthlyReportForm(forms.ModelForm):
    completed = MoneyField(label=capfirst(_("completed this month (10k yuan)")),
                           help_text=_("In 10k yuan (万元), two decimals."))
    # 0 = "there was no report when I opened the form": a first save by someone else wins.
    version = VersionField()
    # Required by the submit service when the report has plausibility warnings.
    warning_note = forms.CharField(
        label=_("Note on the warnings"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to submit a report with warnings: say why the figures are right."),
    )

    class Meta:
        model = MonthlyReport
        fields = [
            "completed", "image_progress", "behind_schedule", "behind_reason", "problems",
            "next_steps",
        ]
        widgets = {
            "image_progress": forms.Textarea(attrs={"rows": 3}),
            "behind_reason": forms.Textarea(attrs={"rows": 2}),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["image_progress"].required = True
        limit_form_fields(self, MonthlyReport)

    def clean(self):
        data = super().clean()
        if data.get("behind_schedule") and not (data.get("behind_reason") or "").strip():
            self.add_error("behind_reason", _("Say why the project is behind schedule."))
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for return"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_form_fields(self, MonthlyReport, {"reason": "return_reason"})


class PhotoForm(forms.Form):
    photos = forms.FileField(label=_("Site photos"), required=False)
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class StageChangeForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("New stage"))
    effective_date = BoundedDateField(
        label=_("Effective date"), widget=CalendarDateInput()
    )
    reason = forms.CharField(label=_("Reason"), required=False)
    version = VersionField()

    def __init__(self, *args: Any, current_stage: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_form_fields(self, StageChange)
        allowed = STAGE_TRANSITIONS[Stage(current_stage)]
        field = self.fields["to_stage"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s.value, s.label) for s in Stage if s in allowed]


class AnnualPlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    planned_investment = MoneyField(label=_("Planned investment (10k yuan)"))
    image_target = forms.CharField(label=_("Image-progress target"), required=False)
    planned_new_start = forms.BooleanField(label=_("Planned new start this year"),
                                           required=False)
    # The versions of the project's plans when the page was opened (`plan_versions`).
    versions = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_form_fields(self, AnnualPlan)

    def version_for(self, year: int) -> int | None:
        """The version of `year`'s plan the form saw (0: none); None if the form did not say."""
        seen = parse_plan_versions(self.cleaned_data.get("versions") or "")
        return None if seen is None else seen.get(year, 0)


class ListApplicationForm(forms.Form):
    key_list = forms.ChoiceField(label=_("Key list"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2099)
    applied_on = BoundedDateField(label=_("Applied on"),
                                 widget=CalendarDateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["key_list"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = LIST_CHOICES


class ListDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approved", _("Approve")), ("rejected", _("Reject"))])
    decided_on = BoundedDateField(label=_("Decided on"),
                                 widget=CalendarDateInput())
