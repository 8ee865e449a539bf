"""Forms of the decommission workflow."""
from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from projects.decommission.models import ChecklistItem, DecommissionRequest


class RequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why switch it off?"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown. Say what the evidence shows and who depends on the project today."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why cancel?"), widget=forms.Textarea(attrs={"rows": 2}))


class ItemForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ChecklistItem.Status.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assigned to"), queryset=User.objects.none(), required=False, empty_label=_("Nobody"))

    def __init__(self, *args, request: DecommissionRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(memberships__team=request.project.team, is_active=True).order_by("username")


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All states")), *DecommissionRequest.State.choices])
