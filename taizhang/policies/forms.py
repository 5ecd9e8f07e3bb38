"""The policies' forms; the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taizhang.accounts.choices import DivisionLevel
from taizhang.accounts.models import Division
from taizhang.core.forms import BoundedDateField, CalendarDateInput, MoneyField, VersionField
from taizhang.ledger.choices import Industry, Stage
from taizhang.ledger.filters import IdsField
from taizhang.policies.choices import EnterpriseSize, KeyLevel, PolicyLevel

_CHECKS = forms.CheckboxSelectMultiple


def split_tags(text: str) -> list[str]:
    """Tags typed one after another: commas (either width), 、 or semicolons between them."""
    for separator in ("，", "、", ";", "；"):
        text = text.replace(separator, ",")
    return sorted({tag.strip() for tag in text.split(",") if tag.strip()})


class PolicyForm(forms.Form):
    version = VersionField()
    title = forms.CharField(label=pgettext_lazy("heading", "title"), max_length=200)
    issuer = forms.CharField(label=_("issuer"), max_length=100)
    level = forms.ChoiceField(label=_("level"), choices=PolicyLevel.choices)
    benefit = forms.CharField(label=_("what it gives"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = BoundedDateField(label=_("deadline"), required=False, widget=CalendarDateInput())
    how_to_apply = forms.CharField(label=_("how to apply"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    contact = forms.CharField(label=_("contact"), max_length=100, required=False)
    grant_without_application = forms.BooleanField(
        label=_("granted without application (免申即享)"), required=False)
    industries = forms.MultipleChoiceField(label=_("industry sections"), required=False,
                                           choices=Industry.choices, widget=_CHECKS,
                                           help_text=_("None ticked: any industry."))
    sizes = forms.MultipleChoiceField(label=_("enterprise sizes"), required=False,
                                      choices=EnterpriseSize.choices, widget=_CHECKS,
                                      help_text=_("None ticked: any size."))
    # IdsField: a junk or out-of-range id is a form error, not a 500.
    townships = IdsField(label=_("townships"), required=False,
                         queryset=Division.objects.none(), widget=_CHECKS,
                         help_text=_("None ticked: anywhere."))
    stages = forms.MultipleChoiceField(label=_("project stages"), required=False,
                                       choices=Stage.choices, widget=_CHECKS,
                                       help_text=_("None ticked: any stage."))
    min_investment = MoneyField(label=_("minimum planned investment (10k yuan)"),
                                required=False,
                                help_text=_("A project's planned total at least this much."))
    key_level = forms.TypedChoiceField(label=_("key list"), required=False, coerce=int,
                                       empty_value=None,
                                       choices=[("", _("Not required")), *KeyLevel.choices])
    tags = forms.CharField(label=_("tags"), required=False, max_length=300,
                           help_text=_("Qualifications, separated by commas (e.g. 高新技术企业, "
                                       "专精特新); the enterprise needs one of them."))

    def __init__(self, *args: Any, division: Division, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["townships"].queryset = Division.objects.filter(  # type: ignore[attr-defined]
            division.subtree_q(), level=DivisionLevel.TOWNSHIP).order_by("code")

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags") or "")

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("townships", None)
        return data


def initial_of(policy: Any) -> dict[str, Any]:
    return {**{name: getattr(policy, name) for name in (
        "title", "issuer", "level", "benefit", "deadline", "how_to_apply", "contact",
        "grant_without_application", "industries", "sizes", "stages", "min_investment",
        "key_level")}, "tags": ", ".join(policy.tags), "version": policy.version,
        "townships": list(policy.townships.all())}


class ProfileForm(forms.Form):
    """An enterprise's size and tags (what matching needs that the ledger does not keep)."""

    version = VersionField()
    size = forms.ChoiceField(label=_("enterprise size"), required=False,
                             choices=[("", _("Not known")), *EnterpriseSize.choices])
    tags = forms.CharField(label=_("tags"), required=False, max_length=300,
                           help_text=_("Qualifications, separated by commas or 、 "
                                       "(e.g. 高新技术企业, 专精特新)."))

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags") or "")


def profile_initial(profile: Any) -> dict[str, Any]:
    if profile is None:
        return {"version": 0, "size": "", "tags": ""}
    return {"version": profile.version, "size": profile.size, "tags": ", ".join(profile.tags)}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("catalogue sheet (.xlsx, .xls or .csv)"))
