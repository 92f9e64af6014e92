"""Forms of the knowledge-bank pages: search filters and the entry editor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from kasvu.bank.models import Area, AreaKind
from kasvu.knowledge.models import PUBLIC_KINDS, Entry, EntryKind
from kasvu.knowledge.services import EntryFilters
from kasvu.rights import RIGHTS


def _area_choices() -> list[tuple[str, str]]:
    areas = Area.objects.filter(
        kind__in=[AreaKind.REGION, AreaKind.COUNTY, AreaKind.MUNICIPALITY, AreaKind.GROUP],
        valid_to__isnull=True,
    ).order_by("kind", "name_fi")
    return [("", _("any area"))] + [(str(a.id), f"{a.name()} ({a.get_kind_display()})") for a in areas]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search words"), required=False, max_length=200)
    kind = forms.MultipleChoiceField(
        label=_("Type"), required=False, widget=forms.CheckboxSelectMultiple, choices=EntryKind.choices
    )
    area = forms.ChoiceField(label=_("Area"), required=False)
    right = forms.ChoiceField(label=_("Children's right"), required=False)
    year_from = forms.IntegerField(
        label=_("Active from year"), required=False, min_value=1900, max_value=2100
    )
    year_to = forms.IntegerField(label=_("Active until year"), required=False, min_value=1900, max_value=2100)

    def __init__(self, *args: Any, show_experts: bool = False, lang: str = "fi", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not show_experts:
            self.fields["kind"].choices = [c for c in EntryKind.choices if c[0] in PUBLIC_KINDS]
        self.fields["area"].choices = _area_choices()
        self.fields["right"].choices = [("", _("any right"))] + [(r.key, r.label(lang)) for r in RIGHTS]

    def filters(self) -> EntryFilters:
        data = self.cleaned_data
        return EntryFilters(
            query=data.get("q") or "",
            kinds=tuple(data.get("kind") or ()),
            area_id=int(data["area"]) if data.get("area") else None,
            right=data.get("right") or "",
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
        )


def _formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:  # type: ignore[type-arg]
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class EntryForm(forms.ModelForm):
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas"),
        required=False,
        queryset=Area.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    rights = forms.MultipleChoiceField(
        label=_("Children's rights"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    tags_text = forms.CharField(label=_("Tags (comma-separated)"), required=False, max_length=1000)

    class Meta:
        model = Entry
        fields = [
            "kind",
            "title_fi",
            "title_sv",
            "title_en",
            "description_fi",
            "description_sv",
            "description_en",
            "start_year",
            "end_year",
            "url",
            "funder",
            "organisation",
            "contact",
            "consent_date",
            "consent_method",
            "consent_recorded_by",
            "indicators",
            "source",
        ]
        formfield_callback = _formfield
        widgets = {"consent_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, editable_areas: Any = None, lang: str = "fi", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = (
            editable_areas
            if editable_areas is not None
            else Area.objects.filter(kind=AreaKind.MUNICIPALITY, valid_to__isnull=True)
        )
        self.fields["rights"].choices = [(r.key, r.label(lang)) for r in RIGHTS]
        self.fields["indicators"].required = False
        if self.instance.pk:
            self.fields["areas"].initial = list(self.instance.areas.all())
            self.fields["rights"].initial = self.instance.right_keys()
            self.fields["tags_text"].initial = ", ".join(self.instance.tags or [])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.instance.tags = [t.strip() for t in (data.get("tags_text") or "").split(",") if t.strip()]
        return data


class RemovalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for removal"),
        max_length=500,
        initial=_("The person asked to be removed."),
        help_text=_("Logged with the date and your user name. Do not write the person's name here."),
    )
