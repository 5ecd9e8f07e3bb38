"""The warnings' forms: they read and show; the services decide (warnings/services.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.warnings.choices import ConsequenceKind
from taizhang.warnings.models import WarningRule
from taizhang.warnings.rules import Param


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class ConfirmForm(VersionedForm):
    pass


def _param_field(param: Param) -> forms.Field:
    """The form field of one of a rule's params (rules.Param): the service checks again."""
    if param.kind == "points":
        return forms.DecimalField(label=param.label, help_text=param.help_text,
                                  min_value=0, max_value=100, decimal_places=1,
                                  widget=forms.NumberInput(attrs={"step": "0.1",
                                                                  "inputmode": "decimal"}))
    if param.kind == "months":
        return forms.IntegerField(label=param.label, help_text=param.help_text,
                                  min_value=1, max_value=24)
    return forms.ChoiceField(label=param.label, help_text=param.help_text,
                             choices=list(param.choices))


class RuleForm(VersionedForm):
    """One rule of the year: on or off, and its thresholds (fields named after its params)."""

    enabled = forms.BooleanField(label=_("enabled"), required=False)

    def __init__(self, rule: WarningRule, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", rule.code)
        kwargs.setdefault("initial", {"enabled": rule.enabled, "version": rule.version,
                                      **rule.params})
        super().__init__(*args, **kwargs)
        self.rule = rule
        registered = rule.rule
        self.param_names = list(registered.params) if registered else []
        for name in self.param_names:
            self.fields[name] = _param_field(registered.params[name])

    def params(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.param_names}


class ConsequenceForm(VersionedForm):
    kind = forms.ChoiceField(label=_("kind"), choices=ConsequenceKind.choices)
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    held_by = forms.CharField(label=_("held by"), max_length=200,
                              help_text=_("Who held the talk or signed the letter."))
    outcome = forms.CharField(label=_("outcome"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
