"""Forms for the team and project pages."""
from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from projects import clock, permissions
from projects.models import HealthCheck, Membership, Phase, Project, Team


class MembershipAddForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.filter(is_active=True).order_by("username")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)
    weekly_hours = forms.DecimalField(
        label=_("Weekly hours"), min_value=0, max_value=168, decimal_places=2, initial=35
    )
    joined_on = forms.DateField(
        label=_("Joined on"), initial=clock.today, widget=forms.DateInput(attrs={"type": "date"})
    )


class TagsField(forms.CharField):
    """Comma-separated tags, stored as a list of lower-case slugs."""

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        tags = []
        for raw in text.split(","):
            tag = slugify(raw.strip())
            if tag and tag not in tags:
                tags.append(tag)
        return tags

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def validate(self, value) -> None:
        if any(len(tag) > 40 for tag in value):
            raise ValidationError(_("A tag has at most 40 characters."))


class ProjectForm(forms.ModelForm):
    tags = TagsField(label=_("Tags"), required=False, help_text=_("Separated by commas, e.g. churn, batch."))

    class Meta:
        model = Project
        fields = [
            "team", "name", "slug", "summary", "description", "value_hypothesis", "business_owner",
            "repository_url", "dashboard_url", "runbook_url", "tags", "start_date",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "value_hypothesis": forms.Textarea(attrs={"rows": 3}),
            "start_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["team"]
        else:
            teams = Team.objects.all() if permissions.is_admin(user) else Team.objects.filter(memberships__user=user)
            self.fields["team"].queryset = teams
            if teams.count() == 1:
                self.fields["team"].initial = teams.first()
        for name in ("repository_url", "dashboard_url", "runbook_url"):
            self.fields[name].assume_scheme = "https"
            self.fields[name].widget.attrs["placeholder"] = "https://"


def _move_label(phase: str) -> str:
    if phase == Phase.RETIRED:
        return _("Retired (abandoned before it ran)")  # the form offers it only from conception or build
    return Phase(phase).label


class PhaseChangeForm(forms.Form):
    to_phase = forms.ChoiceField(label=_("Move to"))
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))
    override = forms.BooleanField(
        label=_("Manager's override: go live without proof of value"),
        required=False,
        help_text=_("Only when no realized value is recorded yet; the reason stays in the phase history."),
    )

    def __init__(self, *args, moves: list[str], can_override: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Nothing chosen until the person chooses: a phase move is never one click away by default.
        self.fields["to_phase"].choices = [("", _("Choose a phase…"))] + [(phase, _move_label(phase)) for phase in moves]
        if not can_override:
            del self.fields["override"]


class HealthCheckForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=HealthCheck.Status.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
