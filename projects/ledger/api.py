"""The ledger part of the JSON API: a project's monthly summary, its cost and value entries, and
recording or voiding one. Every write calls the same service as the ledger page. Mounted by `portal/api/`."""
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from projects.common.api import ApiDate, Id, Money, Pages, Slug, Text, one_of, username_of
from projects.ledger import selectors, services
from projects.ledger.models import MONEY, CostEntry, LedgerMonth, ValueEntry
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


class EntryOut(Schema):
    id: int
    project: str
    amount: Money
    currency: str
    created_by: str | None
    created_at: datetime
    voided_at: datetime | None
    voided_by: str | None
    void_reason: str

    @staticmethod
    def resolve_project(entry) -> str:
        return entry.project.slug

    @staticmethod
    def resolve_created_by(entry) -> str | None:
        return username_of(entry.created_by)

    @staticmethod
    def resolve_voided_by(entry) -> str | None:
        return username_of(entry.voided_by)


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
