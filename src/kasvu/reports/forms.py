from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kasvu.bank.models import Area, AreaKind
from kasvu.reports.formats import FORMATS

KINDS = [
    ("regional", _("Regional report (group of municipalities)")),
    ("profile", _("Municipality profile")),
    ("followup", _("Plan follow-up")),
]


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=KINDS)
    group = forms.ChoiceField(label=_("Group of municipalities"), required=False)
    area = forms.ChoiceField(label=_("Municipality"), required=False)
    plan = forms.ChoiceField(label=_("Plan"), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    lang = forms.ChoiceField(
        label=_("Language"), choices=[("fi", "suomi"), ("sv", "svenska"), ("en", "English")]
    )
    format = forms.ChoiceField(label=_("Format"), choices=[(f, f.upper()) for f in FORMATS])
    internal = forms.BooleanField(label=_("Internal version: do not hide small numbers"), required=False)

    def __init__(self, *args: Any, plans: Any = None, internal_allowed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = Area.objects.filter(kind__in=[AreaKind.GROUP, AreaKind.REGION, AreaKind.COUNTY]).order_by(
            "kind", "name_fi"
        )
        self.fields["group"].choices = [("", "–")] + [(a.key, a.name()) for a in groups]
        munis = Area.objects.filter(kind=AreaKind.MUNICIPALITY, valid_to__isnull=True).order_by("name_fi")
        self.fields["area"].choices = [("", "–")] + [(a.code, a.name()) for a in munis]
        self.fields["plan"].choices = [("", "–")] + [(str(p.pk), str(p)) for p in (plans or [])]
        if not internal_allowed:
            del self.fields["internal"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        need = {"regional": "group", "profile": "area", "followup": "plan"}.get(data.get("kind", ""))
        if need and not data.get(need):
            self.add_error(need, _("Choose one."))
        return data

    @property
    def target(self) -> str:
        return str(
            self.cleaned_data[
                {"regional": "group", "profile": "area", "followup": "plan"}[self.cleaned_data["kind"]]
            ]
        )
