"""Forms for the ledger pages."""
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from projects import clock
from projects.ledger.models import AllocationRule, CostEntry, ValueEntry
from projects.models import Project

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


class CostEntryForm(forms.Form):
    prefix = "cost"
    incurred_on = forms.DateField(label=_("Incurred on"), initial=clock.today, **DATE)
    category = forms.ChoiceField(label=_("Category"), choices=CostEntry.Category.choices)
    amount = forms.DecimalField(label=_("Amount"), max_digits=30, decimal_places=14)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial=settings.PORTAL_BASE_CURRENCY)
    description = forms.CharField(label=_("Description"), max_length=240, required=False)


class ValueEntryForm(forms.Form):
    prefix = "value"
    realized_on = forms.DateField(label=_("Realized on"), initial=clock.today, **DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=ValueEntry.Kind.choices)
    amount = forms.DecimalField(label=_("Amount"), max_digits=30, decimal_places=14, min_value=0)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial=settings.PORTAL_BASE_CURRENCY)
    confidence = forms.ChoiceField(label=_("Confidence"), choices=ValueEntry.Confidence.choices)
    evidence = forms.CharField(
        label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("How it was measured. Markdown.")
    )


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class EntryFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("All"))] + CostEntry.Category.choices, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=[("", _("All"))] + CostEntry.Source.choices, required=False)
    date_from = forms.DateField(label=_("From"), required=False, **DATE)
    date_to = forms.DateField(label=_("To"), required=False, **DATE)
    include_voided = forms.BooleanField(label=_("Show voided"), required=False)


class FocusUploadForm(forms.Form):
    upload = forms.FileField(label=_("FOCUS CSV file"))
    currency = forms.CharField(
        label=_("Currency"), max_length=3, required=False,
        help_text=_("Only for a file without a BillingCurrency column: the currency all its amounts are in."),
    )

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        limit_mb = settings.LEDGER_FOCUS_MAX_UPLOAD_MB
        if upload.size > limit_mb * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB. Split the export by month.")
                % {"size": f"{upload.size / (1024 * 1024):.1f}", "limit": limit_mb}
            )
        return upload


class AllocationRuleForm(forms.Form):
    field = forms.ChoiceField(label=_("Column"), choices=AllocationRule.Field.choices)
    match = forms.ChoiceField(label=_("Match"), choices=AllocationRule.Match.choices)
    value = forms.CharField(label=_("Value"), max_length=500)
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.order_by("name"))


class ExchangeRateForm(forms.Form):
    """On the same page as the upload form, which also has a currency: its own element ids."""

    currency = forms.CharField(label=_("Currency"), max_length=3)
    month = forms.DateField(label=_("Month"), help_text=_("Any day of the month."), **DATE)
    rate = forms.DecimalField(
        label=_("Rate"), max_digits=20, decimal_places=10,
        help_text=_("How much one unit of the currency is worth in %(base)s.") % {"base": settings.PORTAL_BASE_CURRENCY},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_rate_%s")
        super().__init__(*args, **kwargs)
