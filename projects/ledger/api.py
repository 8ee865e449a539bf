"""The ledger part of the JSON API: a project's monthly summary, its cost and value entries, and recording or
voiding one (`router`, under /projects/); FOCUS billing imports (upload a file as multipart form data, follow
its progress, void it), allocation rules and monthly exchange rates (`reference_router`, under /ledger/). Every
write calls the same service as the ledger page. Mounted by `portal/api/`."""
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from typing import Annotated

from ninja import Field, File, Form, Path, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from projects.common.api import ApiDate, Id, Money, Pages, Slug, Text, one_of, username_of
from projects.ledger import imports, reference, selectors, services
from projects.ledger.forms import FocusUploadForm
from projects.ledger.models import MONEY, AllocationRule, CostEntry, ExchangeRate, FocusImport, LedgerMonth, ValueEntry
from projects.models import Project

CURRENCY = {
    "pattern": r"^[A-Za-z]{3}$",
    "description": f"ISO 4217 code; defaults to the base currency ({settings.PORTAL_BASE_CURRENCY}).",
}

CostEntryCategory = one_of(CostEntry.Category)
CostEntrySource = one_of(CostEntry.Source)
ValueEntryKind = one_of(ValueEntry.Kind)
ValueEntryConfidence = one_of(ValueEntry.Confidence)

router = Router(tags=["ledger"])
reference_router = Router(tags=["ledger"])


class VoidableOut(Schema):
    """Who recorded it and when, and whether it was voided: for entries and imports alike."""
    created_by: str | None
    created_at: datetime
    voided_at: datetime | None
    voided_by: str | None
    void_reason: str

    @staticmethod
    def resolve_created_by(record) -> str | None:
        return username_of(record.created_by)

    @staticmethod
    def resolve_voided_by(record) -> str | None:
        return username_of(record.voided_by)


class EntryOut(VoidableOut):
    id: int
    project: str
    amount: Money
    currency: str

    @staticmethod
    def resolve_project(entry) -> str:
        return entry.project.slug


class CostEntryOut(EntryOut):
    incurred_on: date
    category: CostEntryCategory
    source: CostEntrySource
    description: str


class ValueEntryOut(EntryOut):
    realized_on: date
    kind: ValueEntryKind
    confidence: ValueEntryConfidence
    evidence: str


class CostEntryIn(Schema):
    incurred_on: ApiDate = Field(..., description="The day the cost was incurred; it counts in that month.")
    category: CostEntryCategory
    amount: Decimal = Field(..., **MONEY, description="A decimal string (or number); a credit may be negative.")
    currency: str = Field(settings.PORTAL_BASE_CURRENCY, **CURRENCY)
    description: Text = Field("", max_length=240)


class ValueEntryIn(Schema):
    realized_on: ApiDate
    kind: ValueEntryKind
    amount: Decimal = Field(..., ge=0, **MONEY, description="A decimal string (or number), not negative.")
    currency: str = Field(settings.PORTAL_BASE_CURRENCY, **CURRENCY)
    confidence: ValueEntryConfidence
    evidence: Text = Field(..., max_length=20_000, description="How the value was measured. Markdown.")


class VoidIn(Schema):
    reason: Text = Field(..., max_length=500, description="Why the entry no longer counts.")


class CostFilters(Schema):
    category: CostEntryCategory | None = None
    source: CostEntrySource | None = None
    date_from: ApiDate | None = None
    date_to: ApiDate | None = None
    include_voided: bool = False


class ValueFilters(Schema):
    date_from: ApiDate | None = None
    date_to: ApiDate | None = None
    include_voided: bool = False


class LedgerMonthOut(Schema):
    month: date = Field(..., description="First day of the month.")
    currency: str = Field(..., description="The base currency every amount of the summary is converted to.")
    cost_cloud: Money
    cost_licences: Money
    cost_people: Money
    cost_toil: Money
    cost_other: Money
    cost_total: Money
    value_total: Money
    value_estimated: Money
    ratio: Money | None = Field(..., description="Value ÷ cost; null when the month has no cost.")
    cumulative_cost: Money
    cumulative_value: Money
    trailing_cost: Money = Field(..., description="Run cost of the run months in the window ending with this month.")
    trailing_value: Money = Field(..., description="Realized value of the run months in the window ending with this month.")
    unconverted_count: int = Field(..., description="Entries left out for want of an exchange rate.")
    run_month: bool = Field(
        ..., description="The month began with the project in run or decommissioning; the others are build months, "
        "not judged by the underwater rule.",
    )
    computed_at: datetime

    @staticmethod
    def resolve_currency(month: LedgerMonth) -> str:
        return settings.PORTAL_BASE_CURRENCY


def _project(slug: str) -> Project:
    return get_object_or_404(Project.objects.select_related("team"), slug=slug)


@router.get("/{slug}/months", response=list[LedgerMonthOut], summary="List a project's ledger months")
@paginate(Pages)
def ledger_month_list(request, slug: Path[Slug]) -> QuerySet[LedgerMonth]:
    """Cost against value per month, oldest first, as the last rollup computed them."""
    return selectors.ledger_month_rows(_project(slug))


@router.get("/{slug}/costs", response=list[CostEntryOut], summary="List a project's cost entries")
@paginate(Pages)
def cost_entry_list(request, slug: Path[Slug], filters: Query[CostFilters]) -> QuerySet[CostEntry]:
    project = _project(slug)
    return selectors.cost_entries(project, filters.dict()).select_related("project")


@router.post("/{slug}/costs", response={201: CostEntryOut}, summary="Record a cost")
def cost_entry_create(request, slug: Path[Slug], payload: CostEntryIn):
    entry = services.cost_entry_create(actor=request.auth.user, project=_project(slug), **payload.dict())
    return Status(201, entry)


@router.post("/{slug}/costs/{entry_id}/void", response=CostEntryOut, summary="Void a cost entry")
def cost_entry_void(request, slug: Path[Slug], entry_id: Path[Id], payload: VoidIn) -> CostEntry:
    entry = get_object_or_404(
        CostEntry.objects.select_related("project__team", "created_by"), pk=entry_id, project__slug=slug
    )
    return services.cost_entry_void(actor=request.auth.user, entry=entry, reason=payload.reason)


@router.get("/{slug}/values", response=list[ValueEntryOut], summary="List a project's value entries")
@paginate(Pages)
def value_entry_list(request, slug: Path[Slug], filters: Query[ValueFilters]) -> QuerySet[ValueEntry]:
    project = _project(slug)
    return selectors.value_entries(project, filters.dict()).select_related("project")


@router.post("/{slug}/values", response={201: ValueEntryOut}, summary="Record realized value")
def value_entry_create(request, slug: Path[Slug], payload: ValueEntryIn):
    entry = services.value_entry_create(actor=request.auth.user, project=_project(slug), **payload.dict())
    return Status(201, entry)


@router.post("/{slug}/values/{entry_id}/void", response=ValueEntryOut, summary="Void a value entry")
def value_entry_void(request, slug: Path[Slug], entry_id: Path[Id], payload: VoidIn) -> ValueEntry:
    entry = get_object_or_404(
        ValueEntry.objects.select_related("project__team", "created_by"), pk=entry_id, project__slug=slug
    )
    return services.value_entry_void(actor=request.auth.user, entry=entry, reason=payload.reason)


FocusImportStatus = one_of(FocusImport.Status)


class FocusImportOut(VoidableOut):
    id: int
    file_name: str
    sha256: str
    currency: str = Field(..., description="The currency given for a file without a BillingCurrency column.")
    status: FocusImportStatus = Field(..., description="pending and running until the worker has finished.")
    progress: int = Field(..., description="Percent of the file read: 100 once finished.")
    rows_read: int
    rows_imported: int
    rows_replaced: int = Field(..., description="Rows of earlier imports of the same billing period replaced by this one.")
    duplicates_skipped: int
    error: str

    @staticmethod
    def resolve_progress(focus_import: FocusImport) -> int:
        return selectors.focus_progress(focus_import)


class AllocationRuleOut(Schema):
    id: int
    field: one_of(AllocationRule.Field) = Field(..., description="The FOCUS column the rule reads.")
    match: one_of(AllocationRule.Match)
    value: str
    project: str = Field(..., alias="project.slug")


class AllocationRuleIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"field": "sub_account_id", "match": "exact", "value": "acct-churn-prod", "project": "churn-prediction"}]}}

    field: one_of(AllocationRule.Field)
    match: one_of(AllocationRule.Match) = "exact"
    value: Annotated[Text, Field(min_length=1, max_length=500)]
    project: Slug = Field(..., description="Slug of the project the matching rows go to.")


class ExchangeRateOut(Schema):
    currency: str
    month: date = Field(..., description="First day of the month the rate applies to.")
    rate: Decimal = Field(..., description="How much one unit of the currency is worth in the base currency.")


class ExchangeRateIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"currency": "USD", "month": "2026-10-01", "rate": "0.92"}]}}

    currency: str = Field(..., pattern=r"^[A-Za-z]{3}$", description="ISO 4217 code, other than the base currency.")
    month: ApiDate = Field(..., description="Any day of the month.")
    rate: Decimal = Field(..., gt=0, max_digits=20, decimal_places=10)


class FocusUploadIn(Schema):
    currency: str = Field("", pattern=r"^([A-Za-z]{3})?$", description="Only for a file without a BillingCurrency column.")


def _focus_imports() -> QuerySet[FocusImport]:
    return FocusImport.objects.select_related("created_by", "voided_by").order_by("-created_at", "-pk")


@reference_router.get("/focus-imports", response=list[FocusImportOut], summary="List FOCUS billing imports")
@paginate(Pages)
def focus_import_list(request) -> QuerySet[FocusImport]:
    return _focus_imports()


@reference_router.get("/focus-imports/{import_id}", response=FocusImportOut, summary="Follow a FOCUS billing import")
def focus_import_detail(request, import_id: Path[Id]) -> FocusImport:
    return get_object_or_404(_focus_imports(), pk=import_id)


@reference_router.post("/focus-imports", response={202: FocusImportOut}, summary="Upload a FOCUS billing file")
def focus_import_create(request, upload: File[UploadedFile], form: Form[FocusUploadIn]):
    """Multipart form data: `upload` (the CSV) and, for a file without a BillingCurrency column, `currency`.
    The header is checked at once (a wrong file is refused with 422); the rows are imported in the background:
    follow `progress` at GET /ledger/focus-imports/{id}. The same file twice is recorded as already imported."""
    checked = FocusUploadForm({"currency": form.currency}, MultiValueDict({"upload": [upload]}))
    if not checked.is_valid():
        raise ValidationError({name: errors for name, errors in checked.errors.items()})
    focus_import = imports.focus_import_start(actor=request.auth.user, **checked.cleaned_data)
    return Status(202, get_object_or_404(_focus_imports(), pk=focus_import.pk))


@reference_router.post("/focus-imports/{import_id}/void", response=FocusImportOut, summary="Void a FOCUS billing import")
def focus_import_void(request, import_id: Path[Id], payload: VoidIn) -> FocusImport:
    """Its rows stop counting and the rows it replaced count again."""
    focus_import = get_object_or_404(FocusImport, pk=import_id)
    imports.focus_import_void(actor=request.auth.user, focus_import=focus_import, reason=payload.reason)
    return get_object_or_404(_focus_imports(), pk=import_id)


@reference_router.get("/allocation-rules", response=list[AllocationRuleOut], summary="List allocation rules")
@paginate(Pages)
def allocation_rule_list(request) -> QuerySet[AllocationRule]:
    return selectors.allocation_rules().order_by("field", "match", "value", "pk")


@reference_router.post("/allocation-rules", response={201: AllocationRuleOut}, summary="Add an allocation rule")
def allocation_rule_create(request, payload: AllocationRuleIn):
    """Managers and admins: FOCUS rows whose column matches go to the project; unallocated rows are reallocated."""
    project = get_object_or_404(Project, slug=payload.project)
    rule = reference.allocation_rule_create(
        actor=request.auth.user, field=payload.field, match=payload.match, value=payload.value, project=project,
    )
    return Status(201, rule)


@reference_router.delete("/allocation-rules/{rule_id}", response={204: None}, summary="Delete an allocation rule")
def allocation_rule_delete(request, rule_id: Path[Id]):
    reference.allocation_rule_delete(actor=request.auth.user, rule=get_object_or_404(AllocationRule, pk=rule_id))
    return Status(204, None)


@reference_router.get("/exchange-rates", response=list[ExchangeRateOut], summary="List monthly exchange rates")
@paginate(Pages)
def exchange_rate_list(request) -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.order_by("-month", "currency", "pk")


@reference_router.put("/exchange-rates", response=ExchangeRateOut, summary="Set a monthly exchange rate")
def exchange_rate_set(request, payload: ExchangeRateIn) -> ExchangeRate:
    """Admins: the rate of a currency for a month, created or replaced; the ledger is recomputed."""
    return reference.exchange_rate_set(actor=request.auth.user, currency=payload.currency, month=payload.month, rate=payload.rate)
