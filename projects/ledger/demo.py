"""Demo ledger for `seed_demo`: eighteen months of cost and value for every demo project, following each
project's phase history (build cost, run cost, value from the day it went live, costs winding down while it
is decommissioned, none once retired), varying month to month; exchange rates, an allocation rule and one
FOCUS-style import. The same figures for a given day (seeded random numbers)."""
import calendar
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import DateTimeField, QuerySet, Value
from django.db.models.functions import Cast, Least
from django.utils import timezone

from projects import clock
from projects.ledger import focus
from projects.ledger import imports as ledger_imports
from projects.ledger.models import AllocationRule, CostEntry, ExchangeRate, FocusImport, ValueEntry
from projects.ledger.months import add_months, month_start
from projects.models import Phase, Project

HISTORY_MONTHS = 18
MEASURED, ESTIMATED = ValueEntry.Confidence.MEASURED, ValueEntry.Confidence.ESTIMATED


@dataclass(frozen=True)
class Profile:
    """A project's monthly figures at full speed: cloud in USD, licences and value in the base currency."""

    build_cloud: Decimal
    run_cloud: Decimal
    licences: Decimal
    value: Decimal = Decimal("0")
    confidence: str = ESTIMATED
    growth: float = 0.01  # the run cost grows with usage, by this share a month of the history
    value_lost_months_ago: int | None = None  # the value fell away that many months before the seed's month


PROFILES = {
    "churn-prediction": Profile(Decimal("1400"), Decimal("3200"), Decimal("900"), Decimal("14500"), MEASURED),
    "fraud-scoring": Profile(Decimal("2200"), Decimal("5200"), Decimal("1500"), Decimal("48000"), MEASURED),
    # Underwater for as long as it has run: the sensors and the people re-importing their files cost more
    # than the stops it avoids.
    "pump-maintenance": Profile(Decimal("3000"), Decimal("9800"), Decimal("2400"), Decimal("3100")),
    "demand-forecast": Profile(Decimal("900"), Decimal("2100"), Decimal("400"), Decimal("6200")),
    # The uplift went away when the shop's new search went live, while the GPU serving cost kept rising.
    "product-recommender": Profile(
        Decimal("1500"), Decimal("4100"), Decimal("700"), Decimal("7400"), MEASURED, growth=0.03, value_lost_months_ago=4
    ),
    "uplift-campaign": Profile(Decimal("1300"), Decimal("0"), Decimal("0")),
    "signal-clustering": Profile(Decimal("800"), Decimal("1100"), Decimal("250"), Decimal("4200")),
    "credit-risk-explainer": Profile(Decimal("600"), Decimal("0"), Decimal("0")),
    "batch-scoring-v1": Profile(Decimal("0"), Decimal("2600"), Decimal("1100"), Decimal("900"), growth=0),
    "legacy-churn-v1": Profile(Decimal("0"), Decimal("2900"), Decimal("900"), Decimal("500"), growth=0),
    "chatbot-prototype": Profile(Decimal("600"), Decimal("0"), Decimal("0")),
}
CONCEPTION_SHARE = Decimal("0.25")  # of the build cost: sandboxes and a first look at the data
WIND_DOWN_SHARE = Decimal("0.5")  # of the run cost, while the checklist switches things off
VALUE_RAMP = (Decimal("0.7"), Decimal("0.9"))  # of the value, in the go-live month and the one after
VALUE_LEFT = Decimal("0.15")  # of the value, once it fell away
PAID_PHASES = (Phase.BUILD, Phase.RUN, Phase.DECOMMISSIONING)  # licences are paid from build on
USD_RATE = Decimal("0.92")
FOCUS_ACCOUNT = "demo-billing-account-001"
PILOT_EVIDENCE = "Pilot results that justified going live: **A/B comparison** against the previous process."
MONTHLY_EVIDENCE = "Monthly business review: **A/B comparison** against the previous process."


def _months(today: date) -> list[date]:
    """The complete months of the history, oldest first."""
    end = month_start(today)
    return [add_months(end, -offset) for offset in range(HISTORY_MONTHS, 0, -1)]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_default_timezone())


def _recorded(queryset: QuerySet, day_field: str, after: timedelta) -> None:
    """Stamp when entries were recorded, some time after the day they are for: the model stamps the clock's now."""
    when = Least(Cast(day_field, DateTimeField()) + after, Value(clock.now(), output_field=DateTimeField()))
    queryset.update(created_at=when, updated_at=when)


@transaction.atomic
def seed(today: date) -> None:
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    months = _months(today)
    _seed_rates([*months, month_start(today)])
    costs: list[CostEntry] = []
    values: list[ValueEntry] = []
    for project in Project.objects.filter(slug__in=PROFILES).prefetch_related("phase_changes"):
        project_costs, project_values = _history(project, PROFILES[project.slug], months, today, admin)
        costs += project_costs
        values += project_values
    # A cost in a currency with no rate: the ledger shows it as unconverted.
    costs.append(CostEntry(
        project=Project.objects.get(slug="demand-forecast"), incurred_on=months[-1].replace(day=12),
        category=CostEntry.Category.OTHER, amount=Decimal("350.00"), currency="GBP", description="Conference workshop (UK)",
        created_by=admin,
    ))
    CostEntry.objects.bulk_create(costs)
    ValueEntry.objects.bulk_create(values)
    _recorded(CostEntry.objects.filter(pk__in=[cost.pk for cost in costs]), "incurred_on", timedelta(days=2, hours=12))
    _recorded(ValueEntry.objects.filter(pk__in=[value.pk for value in values]), "realized_on", timedelta(days=3, hours=12))
    for pilot in (value for value in values if value.evidence == PILOT_EVIDENCE):
        # The proof of value that let the project go live, recorded that morning.
        ValueEntry.objects.filter(pk=pilot.pk).update(created_at=_at(pilot.realized_on, 8), updated_at=_at(pilot.realized_on, 8))
    rule = AllocationRule.objects.create(
        field=AllocationRule.Field.SUB_ACCOUNT, match=AllocationRule.Match.PATTERN, value="reco-*",
        project=Project.objects.get(slug="product-recommender"), created_by=admin,
    )
    made = _at(months[-4].replace(day=20), 11)
    AllocationRule.objects.filter(pk=rule.pk).update(created_at=made, updated_at=made)
    _seed_focus_import(months, admin, today)


def _seed_rates(months: list[date]) -> None:
    rng = random.Random("ledger:usd-rate")
    rates = [
        ExchangeRate(currency="USD", month=month, rate=(USD_RATE + Decimal(rng.randint(-180, 180)) / 10000).quantize(Decimal("0.0001")))
        for month in months
    ]
    ExchangeRate.objects.bulk_create(rates)
    _recorded(ExchangeRate.objects.filter(pk__in=[rate.pk for rate in rates]), "month", timedelta(hours=7))


def _phase_on(changes: list[tuple[date, str]], day: date) -> str | None:
    """The project's phase on `day`, None before it was created."""
    phase = None
    for since, to_phase in changes:
        if since > day:
            break
        phase = to_phase
    return phase


def _history(project: Project, profile: Profile, months: list[date], today: date, admin) -> tuple[list, list]:
    rng = random.Random(f"ledger:{project.slug}")
    changes = [(clock.day_of(change.changed_at), change.to_phase) for change in project.phase_changes.all()]
    went_live = next((since for since, phase in changes if phase == Phase.RUN), None)
    grows_from = max(month_start(went_live), months[0]) if went_live else None
    lost_from = add_months(month_start(today), -profile.value_lost_months_ago) if profile.value_lost_months_ago else None
    costs, values = [], []
    for month in months:
        cost_noise = Decimal(rng.randint(900, 1100)) / 1000
        value_noise = Decimal(rng.randint(920, 1080)) / 1000
        length = calendar.monthrange(month.year, month.month)[1]
        phases = {day: _phase_on(changes, day) for day in (month + timedelta(days=offset) for offset in range(length))}
        days_in = {phase: sum(1 for on in phases.values() if on == phase) for phase in Phase.values}
        active = [day for day, phase in phases.items() if phase not in (None, Phase.RETIRED)]
        if not active:
            continue
        growth = Decimal(str((1 + profile.growth) ** _months_between(grows_from, month))) if grows_from and month > grows_from else 1
        cloud = (
            profile.build_cloud * (days_in[Phase.BUILD] + CONCEPTION_SHARE * days_in[Phase.CONCEPTION])
            + profile.run_cloud * growth * (days_in[Phase.RUN] + WIND_DOWN_SHARE * days_in[Phase.DECOMMISSIONING])
        ) / length * cost_noise
        if cloud:
            costs.append(CostEntry(
                project=project, incurred_on=min(active[-1], month.replace(day=28)), category=CostEntry.Category.CLOUD,
                amount=cloud.quantize(Decimal("0.01")), currency="USD", description="Cloud compute and storage", created_by=admin,
            ))
        if profile.licences and phases[month.replace(day=5)] in PAID_PHASES:
            costs.append(CostEntry(
                project=project, incurred_on=month.replace(day=5), category=CostEntry.Category.LICENCES, amount=profile.licences,
                currency=settings.PORTAL_BASE_CURRENCY, description="Platform licences", created_by=admin,
            ))
        live = [day for day, phase in phases.items() if phase == Phase.RUN]
        if profile.value and live:
            since_live = _months_between(went_live, month)
            amount = profile.value * len(live) / length * value_noise
            amount *= VALUE_RAMP[since_live] if since_live < len(VALUE_RAMP) else 1
            amount *= VALUE_LEFT if lost_from and month >= lost_from else 1
            first = went_live if month_start(went_live) == month else None
            values.append(ValueEntry(
                project=project, realized_on=first or min(live[-1], month.replace(day=27)), kind=ValueEntry.Kind.COST_SAVED,
                amount=amount.quantize(Decimal("0.01")), currency=settings.PORTAL_BASE_CURRENCY,
                confidence=profile.confidence, created_by=admin, evidence=PILOT_EVIDENCE if first else MONTHLY_EVIDENCE,
            ))
    return costs, values


def _months_between(day: date, month: date) -> int:
    return (month.year - day.year) * 12 + month.month - day.month


def date_toil_costs() -> None:
    """The toil backlog writes a month's people cost when its logs change: here, just after each month closed."""
    toil_costs = CostEntry.objects.filter(source=CostEntry.Source.TOIL, project__slug__in=PROFILES)
    _recorded(toil_costs, "incurred_on", timedelta(days=31, hours=2))


def focus_demo_csv(months: list[date]) -> bytes:
    lines = ["BillingAccountId,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,BillingCurrency,ChargeCategory,ServiceName,SubAccountId,Tags"]
    for month in months[-3:]:
        period = f"{month:%Y-%m-%d}T00:00:00Z"
        for day in range(1, 11):
            start = f"{month:%Y-%m}-{day:02d}T00:00:00Z"
            end = f"{month:%Y-%m}-{day + 1:02d}T00:00:00Z"
            lines.append(f'{FOCUS_ACCOUNT},{period},{start},{end},41.2500000000,38.1234567891,USD,Usage,Vertex AI,ml-prod,"{{""ml-project"": ""fraud-scoring""}}"')
            lines.append(f"{FOCUS_ACCOUNT},{period},{start},{end},12.5000000000,12.5000000000,USD,Usage,BigQuery,reco-analytics,")
            lines.append(f"{FOCUS_ACCOUNT},{period},{start},{end},7.3300000000,7.3300000000,USD,Usage,Cloud Storage,shared-data,")
    return ("\r\n".join(lines) + "\r\n").encode()


def _seed_focus_import(months: list[date], admin, today: date) -> None:
    """The billing export of the last three complete months, imported the morning after the last one closed."""
    content = focus_demo_csv(months)
    stream = io.BytesIO(content)
    focus_import = FocusImport.objects.create(file_name="demo-focus-export.csv", sha256=focus.file_sha256(stream), created_by=admin)
    ledger_imports.focus_import_run(import_id=focus_import.pk, stream=stream)
    imported = min(_at(month_start(today), 8), clock.now())
    FocusImport.objects.filter(pk=focus_import.pk).update(created_at=imported, updated_at=imported)
