"""Forms of the toil backlog: an item with the toil-or-not helper, a card move, a time log."""
from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from adr.models import Adr
from projects import clock
from projects.models import Project, Team
from toil.models import CRITERIA, ToilItem


class ToilItemForm(forms.ModelForm):
    classification = forms.ChoiceField(
        label=_("Classification"),
        choices=[("", _("Use the suggestion")), *ToilItem.Classification.choices],
        required=False,
        help_text=_("Leave on the suggestion, or override it if the team judges otherwise."),
    )

    class Meta:
        model = ToilItem
        fields = [
            "title", "description", *[name for name, _label, _help in CRITERIA], "frequency",
            "minutes_per_occurrence", "people", "strategy", "strategy_reason", "owner", "automation_effort_hours",
            "remediates",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "strategy_reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, team: Team, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remediates"].queryset = Adr.objects.filter(project=project).order_by("-number")
        for name, label, help_text in CRITERIA:
            self.fields[name].label = label
            self.fields[name].help_text = help_text
        self.fields["owner"].queryset = User.objects.filter(memberships__team=team).order_by("username")
        if self.instance.pk:
            self.fields["classification"].initial = self.instance.classification
        # The helper's override sits right after the criteria it judges.
        self.order_fields(["title", "description", *[name for name, _label, _help in CRITERIA], "classification"])

    @property
    def criteria_fields(self):
        return [self[name] for name, _label, _help in CRITERIA]

    @property
    def other_fields(self):
        names = {name for name, _label, _help in CRITERIA}
        return [field for field in self if field.name not in names]


class MoveForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"), choices=ToilItem.Status.choices)


class TimeLogForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes"))
    logged_on = forms.DateField(
        label=_("Day"), initial=clock.today, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    user = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), required=False, empty_label=_("Myself")
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(memberships__team=team).order_by("username")
        self.fields["user"].help_text = _("A team lead may log for a member of the team.")


QUICK_MINUTES = (15, 30, 60, 120)


class WipLimitsForm(forms.Form):
    """One limit per board column; empty means no limit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for status, label in ToilItem.Status.choices:
            self.fields[status] = forms.IntegerField(
                label=label, required=False, min_value=1, max_value=999,
                widget=forms.NumberInput(attrs={"placeholder": _("no limit")}),
            )
