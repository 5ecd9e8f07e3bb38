from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.bulletin.writers import FORMATS
from taizhang.core.periods import Period, PeriodError
from taizhang.core.services import ServiceError, refuse_unbegun


class PeriodField(forms.CharField):
    def clean(self, value: Any) -> Period:
        text = super().clean(value)
        try:
            period = Period.parse(text)
        except PeriodError:
            raise forms.ValidationError(_("Give the month as YYYY-MM, e.g. 2022-07.")) from None
        try:
            refuse_unbegun(period)
        except ServiceError as refused:
            raise forms.ValidationError(refused.message) from None
        return period


class GenerateForm(forms.Form):
    period = PeriodField(label=_("Month"), max_length=7)
    format = forms.ChoiceField(label=_("Format"),
                               choices=[(f, {"docx": _("Word (docx)"), "pdf": _("PDF"),
                                             "xlsx": _("Excel (xlsx)")}[f]) for f in FORMATS])


class PublishForm(forms.Form):
    period = PeriodField(label=_("Month"), max_length=7)
    confirm = forms.BooleanField(
        label=_("I have checked the draft: publish it. A published bulletin cannot be "
                "changed."))


class SettingsForm(forms.Form):
    issuing_office = forms.CharField(label=_("Issuing office"), max_length=64)
    number_prefix = forms.CharField(label=_("Document number prefix"), max_length=16,
                                    help_text=_("e.g. 迁重点办, printed as 迁重点办〔2022〕7号."))
    title = forms.CharField(label=_("Bulletin title"), max_length=64)
    first_number = forms.IntegerField(label=_("First number of the year"), min_value=1,
                                      max_value=9999)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
