"""Forms for entering a plan, its goals, actions, indicators and yearly follow-up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kasvu import access
from kasvu.bank.models import Area, Indicator
from kasvu.plans.models import (
    Action,
    ActionStatus,
    Goal,
    GoalIndicator,
    Plan,
    Requirement,
    SelfAssessment,
    TargetStatus,
)
from kasvu.rights import RIGHTS
from kasvu.web.fields import NumberField


def right_choices() -> list[tuple[str, str]]:
    lang = (get_language() or "fi")[:2]
    return [(r.key, r.label(lang)) for r in RIGHTS]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "title_fi",
            "title_sv",
            "areas",
            "start_year",
            "end_year",
            "status",
            "approved_by",
            "approved_on",
            "review_due",
        ]
        widgets = {"approved_on": DateInput(), "review_due": DateInput()}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = Area.objects.filter(kind__in=["municipality", "group"], valid_to__isnull=True).order_by(
            "name_fi"
        )
        allowed = access.editable_area_ids(user)
        if allowed is not None:
            areas = areas.filter(id__in=allowed)
        self.fields["areas"].queryset = areas
        self.fields["areas"].help_text = _("One municipality, or several for a joint plan.")

    def clean_areas(self) -> Any:
        areas = self.cleaned_data["areas"]
        if not areas:
            raise forms.ValidationError(_("Choose at least one municipality."))
        return areas


class GoalForm(forms.ModelForm):
    rights = forms.MultipleChoiceField(
        label=_("rights"), choices=right_choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Goal
        fields = ["kind", "rights", "statement_fi", "statement_sv", "order"]
        widgets = {
            "statement_fi": forms.Textarea(attrs={"rows": 3}),
            "statement_sv": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan


#: Labels of the foreign keys, which the models leave to Django's English default ("Goal:").
PART_LABELS = {"goal": _("Goal"), "indicator": _("Indicator"), "area": _("Area")}


class _PlanChildForm(forms.ModelForm):
    """A form whose ``goal`` is one of the plan's goals."""

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        if "goal" in self.fields:
            self.fields["goal"].queryset = plan.goals.all()


class RequirementForm(_PlanChildForm):
    class Meta:
        model = Requirement
        fields = ["goal", "text_fi", "text_sv", "order"]
        labels = PART_LABELS
        widgets = {"text_fi": forms.Textarea(attrs={"rows": 2}), "text_sv": forms.Textarea(attrs={"rows": 2})}


class ActionForm(_PlanChildForm):
    class Meta:
        model = Action
        fields = [
            "goal",
            "description_fi",
            "description_sv",
            "owner",
            "partners",
            "start",
            "end",
            "resources",
            "budget_eur",
            "status",
            "order",
        ]
        field_classes = {"budget_eur": NumberField}
        labels = PART_LABELS
        widgets = {
            "description_fi": forms.Textarea(attrs={"rows": 2}),
            "description_sv": forms.Textarea(attrs={"rows": 2}),
            "resources": forms.Textarea(attrs={"rows": 2}),
            "start": DateInput(),
            "end": DateInput(),
        }


class GoalIndicatorForm(_PlanChildForm):
    class Meta:
        model = GoalIndicator
        fields = [
            "goal",
            "indicator",
            "area",
            "baseline_year",
            "baseline_value",
            "target_year",
            "target_value",
            "direction",
            "order",
        ]
        field_classes = {"baseline_value": NumberField, "target_value": NumberField}
        labels = PART_LABELS

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.order_by("title_fi")
        areas = Area.objects.filter(id__in=plan.areas.values("id")) | Area.objects.filter(
            group_links__group__in=plan.areas.all(), kind="district"
        )
        self.fields["area"].queryset = areas.distinct().order_by("kind", "name_fi")


class SelfAssessmentForm(forms.ModelForm):
    right = forms.ChoiceField(label=_("right"), choices=right_choices)

    class Meta:
        model = SelfAssessment
        fields = [
            "right",
            "title_fi",
            "title_sv",
            "level",
            "level_1_fi",
            "level_2_fi",
            "level_3_fi",
            "level_4_fi",
            "level_1_sv",
            "level_2_sv",
            "level_3_sv",
            "level_4_sv",
            "evidence",
            "comment",
            "order",
        ]
        widgets = {
            f"level_{i}_{lang}": forms.Textarea(attrs={"rows": 2})
            for i in range(1, 5)
            for lang in ("fi", "sv")
        }
        widgets.update(
            {"evidence": forms.Textarea(attrs={"rows": 3}), "comment": forms.Textarea(attrs={"rows": 3})}
        )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan


class FollowUpForm(forms.Form):
    """A year's follow-up: summary, each action's status and narrative, indicator overrides."""

    summary_fi = forms.CharField(
        label=_("summary (Finnish)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    summary_sv = forms.CharField(
        label=_("summary (Swedish)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, actions: list[Action], links: list[GoalIndicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actions, self.links = actions, links
        for action in actions:
            self.fields[f"action_{action.id}_status"] = forms.ChoiceField(
                label=_("status"), choices=ActionStatus.choices, initial=action.status
            )
            for lang, label in (("fi", _("how it went (Finnish)")), ("sv", _("how it went (Swedish)"))):
                self.fields[f"action_{action.id}_narrative_{lang}"] = forms.CharField(
                    label=label, required=False, widget=forms.Textarea(attrs={"rows": 2})
                )
        for link in links:
            self.fields[f"indicator_{link.id}_status"] = forms.ChoiceField(
                label=_("override the computed status"),
                choices=[("", _("no override: use the computed status")), *TargetStatus.choices],
                required=False,
            )
            self.fields[f"indicator_{link.id}_reason"] = forms.CharField(
                label=_("reason for the override"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for link in self.links:
            if (
                data.get(f"indicator_{link.id}_status")
                and not data.get(f"indicator_{link.id}_reason", "").strip()
            ):
                self.add_error(f"indicator_{link.id}_reason", _("Say why the computed status is overridden."))
        return data

    def action_fields(self, action: Action) -> list[forms.BoundField]:
        return [self[f"action_{action.id}_{name}"] for name in ("status", "narrative_fi", "narrative_sv")]

    def indicator_fields(self, link: GoalIndicator) -> list[forms.BoundField]:
        return [self[f"indicator_{link.id}_{name}"] for name in ("status", "reason")]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("plan as YAML"))


#: The parts of a plan edited with one generic view: URL name → (form, model).
PARTS: dict[str, tuple[type[forms.ModelForm], type[Any]]] = {
    "goal": (GoalForm, Goal),
    "requirement": (RequirementForm, Requirement),
    "action": (ActionForm, Action),
    "indicator": (GoalIndicatorForm, GoalIndicator),
    "selfassessment": (SelfAssessmentForm, SelfAssessment),
}
