"""Forms for the team pages."""
from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Membership


class MembershipAddForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.filter(is_active=True).order_by("username")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)
    weekly_hours = forms.DecimalField(
        label=_("Weekly hours"), min_value=0, max_value=168, decimal_places=2, initial=35
    )
    joined_on = forms.DateField(
        label=_("Joined on"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's validation error next to the field it names, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)
