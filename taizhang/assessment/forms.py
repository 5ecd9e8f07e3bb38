"""The assessment's forms: they read and show; assessment/services.py decides.

The scheme form is built from the scheme (saved or the defaults) and the registry: one group
of fields per indicator, named ``<code>-<field>`` as the services name their errors.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.assessment.choices import DeductionKind, Level
from taizhang.assessment.indicators import RULES, bands_text
from taizhang.assessment.schemes import IndicatorSpec, SchemeSpec


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


def _initial(spec: IndicatorSpec, name: str, kind: str) -> Any:
    value: Any = spec.params.get(name, RULES[spec.code].defaults.get(name))
    if kind == "bands":
        return bands_text(value)
    if kind == "codes":
        return ", ".join(value)
    return value


class SchemeForm(VersionedForm):
    name = forms.CharField(label=_("Scheme name"), max_length=128)
    reward_count = forms.IntegerField(label=_("Rewarded: the first"), min_value=0,
                                      max_value=50)
    summon_count = forms.IntegerField(label=_("Summoned: the last"), min_value=0,
                                      max_value=50)

    def __init__(self, scheme: SchemeSpec, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {
            "name": scheme.name, "reward_count": scheme.reward_count,
            "summon_count": scheme.summon_count, "version": scheme.version})
        super().__init__(*args, **kwargs)
        self.groups: list[tuple[IndicatorSpec, Any, list[str]]] = []
        for spec in scheme.indicators:
            rule = RULES.get(spec.code)
            if rule is None:  # a rule no longer registered: kept in the data, not edited
                continue
            prefix = spec.code
            self.fields[f"{prefix}-enabled"] = forms.BooleanField(
                label=_("Counted"), required=False, initial=spec.enabled)
            self.fields[f"{prefix}-name"] = forms.CharField(
                label=_("Name"), max_length=128, initial=spec.name)
            self.fields[f"{prefix}-weight"] = forms.DecimalField(
                label=_("Deducts at most") if rule.deduction else _("Points"),
                min_value=0, max_value=1000, decimal_places=2, initial=spec.weight)
            names = []
            for param in rule.params:
                field_name = f"{prefix}-{param.name}"
                initial = _initial(spec, param.name, param.kind)
                if param.kind == "choice":
                    self.fields[field_name] = forms.ChoiceField(
                        label=str(param.label), choices=param.choices, initial=initial)
                else:
                    self.fields[field_name] = forms.CharField(
                        label=str(param.label), max_length=400, initial=initial,
                        help_text=(_("e.g. 100000:4, 50000:3, 10000:2, 0:1")
                                   if param.kind == "bands" else
                                   _("province, prefecture, province-prestage, county…")
                                   if param.kind == "codes" else ""))
                names.append(field_name)
            self.groups.append((spec, rule, names))

    def indicator_values(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {spec.code: {
            "name": data[f"{spec.code}-name"], "weight": data[f"{spec.code}-weight"],
            "enabled": data[f"{spec.code}-enabled"],
            "params": {p.name: data[f"{spec.code}-{p.name}"] for p in rule.params},
        } for spec, rule, _names in self.groups}

    def indicator_fields(self) -> list[tuple[IndicatorSpec, Any, list[Any]]]:
        """(spec, rule, bound fields) per indicator, for the template."""
        return [(spec, rule, [self[f"{spec.code}-{n}"] for n in ("enabled", "name", "weight")]
                 + [self[n] for n in names]) for spec, rule, names in self.groups]


class DeductionForm(forms.Form):
    month = forms.CharField(label=_("Month"), max_length=7,
                            widget=forms.TextInput(attrs={"placeholder": "2022-07",
                                                          "inputmode": "numeric"}))
    subject = forms.ChoiceField(label=_("Unit or township"))
    kind = forms.ChoiceField(label=_("Kind"), choices=DeductionKind.choices)
    points = forms.DecimalField(label=_("Points deducted"), min_value=0, max_value=1000,
                                decimal_places=2)
    reason = forms.CharField(label=_("Reason"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, units: Any, townships: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["subject"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "—"),
            (str(Level.UNIT.label), [(f"unit:{o.pk}", o.name) for o in units]),
            (str(Level.TOWNSHIP.label), [(f"township:{d.pk}", d.name) for d in townships]),
        ]

    def subject_parts(self) -> tuple[str, str]:
        level, _sep, pk = self.cleaned_data["subject"].partition(":")
        return level, pk


class ConfirmForm(forms.Form):
    period = forms.CharField(widget=forms.HiddenInput)
    level = forms.CharField(widget=forms.HiddenInput)
