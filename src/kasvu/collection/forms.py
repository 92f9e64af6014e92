"""The analyst's forms: a new round, a field of its form, a copy as next year's round."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kasvu.bank.models import Area, AreaKind
from kasvu.collection import spec
from kasvu.collection.models import Field, Round
from kasvu.numbers import NotANumber, parse_decimal
from kasvu.rights import RIGHTS


class MunicipalityChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Area) -> str:  # type: ignore[override]
        return f"{obj.name()} ({obj.code})"


class RoundForm(forms.ModelForm):  # type: ignore[type-arg]
    municipalities = MunicipalityChoice(
        queryset=Area.objects.filter(kind=AreaKind.MUNICIPALITY, valid_to__isnull=True).order_by("name_fi"),
        label=_("municipalities asked"),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )

    class Meta:
        model = Round
        fields = [
            "slug", "name_fi", "name_sv", "kind", "year", "deadline", "municipalities", "previous",
            "change_threshold", "description_fi", "description_sv",
        ]  # fmt: skip
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}),
            "description_fi": forms.Textarea(attrs={"rows": 3}),
            "description_sv": forms.Textarea(attrs={"rows": 3}),
        }


class CopyForm(forms.Form):
    slug = forms.SlugField(label=_("short name"), max_length=64)
    year = forms.IntegerField(label=_("year of the figures"), min_value=1990, max_value=2100)
    deadline = forms.DateField(label=_("deadline"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"])
        if Round.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("A round with this short name exists already."))
        return slug


class DecimalText(forms.CharField):
    """A limit typed as people type numbers ("0", "12,5"); :func:`kasvu.numbers.parse_decimal` reads it."""

    def clean(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = str(super().clean(value) or "").strip()
        if not text:
            return None
        try:
            return parse_decimal(text)
        except NotANumber:
            raise forms.ValidationError(_("Type a number, e.g. 0 or 12,5.")) from None


class FieldForm(forms.ModelForm):  # type: ignore[type-arg]
    min_value = DecimalText(label=_("smallest allowed"), required=False)
    max_value = DecimalText(label=_("largest allowed"), required=False)
    choices_text = forms.CharField(
        label=_("choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: value = Finnish text = Swedish text. Levels 1–4: the description of each level."
        ),
    )
    right = forms.ChoiceField(
        label=_("right (self-assessment)"),
        required=False,
        choices=[("", "–"), *[(r.key, r.fi) for r in RIGHTS]],
    )

    class Meta:
        model = Field
        fields = [
            "key", "kind", "label_fi", "label_sv", "help_fi", "help_sv", "required", "indicator", "unit",
            "decimals", "min_value", "max_value", "count", "right",
        ]  # fmt: skip
        widgets = {"help_fi": forms.Textarea(attrs={"rows": 2}), "help_sv": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, round_: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round = round_

    def clean_key(self) -> str:
        key = str(self.cleaned_data["key"])
        if self.round.fields.filter(key=key).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("The form has a field with this key already."))
        return key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        choices = []
        for line in str(data.get("choices_text") or "").splitlines():
            parts = [p.strip() for p in line.split("=")]
            if parts and parts[0]:
                item = {"value": parts[0], "fi": parts[1] if len(parts) > 1 else parts[0]}
                if len(parts) > 2 and parts[2]:
                    item["sv"] = parts[2]
                choices.append(item)
        kind, low, high = data.get("kind"), data.get("min_value"), data.get("max_value")
        if data.get("indicator") and not str(data["indicator"]).startswith("collection:"):
            self.add_error(
                "indicator", _("Write the indicator as collection:<name>, e.g. collection:caseload.")
            )
        if data.get("indicator") and kind != "number":
            self.add_error("indicator", _("Only number fields are tied to an indicator."))
        if low is not None and high is not None and low > high:
            self.add_error("max_value", _("The largest allowed value is below the smallest."))
        if kind in ("choice", "themes") and not choices:
            self.add_error("choices_text", _("Give the choices, one per line."))
        if self.errors:
            return data
        raw = {
            "key": data.get("key"), "kind": data.get("kind"), "label": {"fi": data.get("label_fi"), "sv": data.get("label_sv") or ""},
            "indicator": data.get("indicator") or "", "unit": data.get("unit") or "", "decimals": data.get("decimals") or 0,
            "min": data.get("min_value"), "max": data.get("max_value"), "choices": choices or None,
        }  # fmt: skip
        try:
            checked = spec.field_from_data(raw, str(_("field")))
        except spec.SpecError as exc:
            raise forms.ValidationError(str(exc)) from None
        data["choices"] = [{"value": c.value, **c.label} for c in checked.choices] if choices else []
        return data

    def save(self, commit: bool = True) -> Field:
        field = super().save(commit=False)
        field.round = self.round
        field.choices = self.cleaned_data.get("choices", [])
        if not field.pk:
            field.order = self.round.fields.count()
        if commit:
            field.save()
        return field
