"""Forms for the portal's own pages: personal API tokens."""
from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from projects import clock
from portal.models import ApiToken


def _default_expiry():
    return clock.today() + timedelta(days=90)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("What the token is for, e.g. “cost export pipeline”.")
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        help_text=_("A read token can only read; a read-and-write token may change what you may change."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        initial=_default_expiry,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The token works through this day; at most a year from today."),
    )
