"""Demo ledger for `seed_demo`: a year of cost and value for every demo project, one project clearly
underwater, one clearly profitable, exchange rates, an allocation rule and one FOCUS-style import."""
import io
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from projects import clock
from projects.ledger import focus, services
from projects.ledger.models import AllocationRule, CostEntry, ExchangeRate, FocusImport, ValueEntry
from projects.models import Project

# slug: monthly cloud, licences, realized value, confidence of the value
PROFILES = {
    "churn-prediction": (Decimal("3200"), Decimal("900"), Decimal("14500"), ValueEntry.Confidence.MEASURED),
    "fraud-scoring": (Decimal("5200"), Decimal("1500"), Decimal("48000"), ValueEntry.Confidence.MEASURED),
    "pump-maintenance": (Decimal("9800"), Decimal("2400"), Decimal("3100"), ValueEntry.Confidence.ESTIMATED),
    "demand-forecast": (Decimal("2100"), Decimal("400"), Decimal("6200"), ValueEntry.Confidence.ESTIMATED),
    "product-recommender": (Decimal("4100"), Decimal("700"), Decimal("7400"), ValueEntry.Confidence.MEASURED),
    "uplift-campaign": (Decimal("1300"), Decimal("0"), Decimal("0"), ValueEntry.Confidence.ESTIMATED),
    "signal-clustering": (Decimal("800"), Decimal("250"), Decimal("0"), ValueEntry.Confidence.ESTIMATED),
    "credit-risk-explainer": (Decimal("150"), Decimal("0"), Decimal("0"), ValueEntry.Confidence.ESTIMATED),
    "batch-scoring-v1": (Decimal("2600"), Decimal("1100"), Decimal("900"), ValueEntry.Confidence.ESTIMATED),
    "legacy-churn-v1": (Decimal("0"), Decimal("0"), Decimal("0"), ValueEntry.Confidence.ESTIMATED),
    "chatbot-prototype": (Decimal("0"), Decimal("0"), Decimal("0"), ValueEntry.Confidence.ESTIMATED),
}
USD_RATE = Decimal("0.9200000000")
FOCUS_ACCOUNT = "demo-billing-account-001"


def _months(today: date) -> list[date]:
    end = services.month_start(today)
    return [services.add_months(end, -offset) for offset in range(12, 0, -1)]


@transaction.atomic
def seed() -> None:
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    months = _months(clock.today())
    for month in months:
        ExchangeRate.objects.get_or_create(currency="USD", month=month, defaults={"rate": USD_RATE})
    for project in Project.objects.filter(slug__in=PROFILES).select_related("team"):
        cloud, licences, value, confidence = PROFILES[project.slug]
        for index, month in enumerate(months):
            # A little seasonality so the chart is not a flat line.
            factor = Decimal(100 + (index % 4) * 5) / 100
            if cloud:
                _cost(project, month.replace(day=28), CostEntry.Category.CLOUD, (cloud * factor).quantize(Decimal("0.01")), "USD", "Cloud compute and storage", admin)
            if licences:
                _cost(project, month.replace(day=5), CostEntry.Category.LICENCES, licences, settings.PORTAL_BASE_CURRENCY, "Platform licences", admin)
            if value and project.phase != Project.Phase.BUILD:
                ValueEntry.objects.get_or_create(
                    project=project, realized_on=month.replace(day=27), kind=ValueEntry.Kind.COST_SAVED,
                    defaults={
                        "amount": (value * factor).quantize(Decimal("0.01")), "currency": settings.PORTAL_BASE_CURRENCY,
                        "confidence": confidence, "created_by": admin,
                        "evidence": "Monthly business review: **A/B comparison** against the previous process.",
                    },
                )
    demand = Project.objects.filter(slug="demand-forecast").first()
    if demand is not None:
        # A cost in a currency with no rate: the ledger shows it as unconverted.
        _cost(demand, months[-1].replace(day=12), CostEntry.Category.OTHER, Decimal("350.00"), "GBP", "Conference workshop (UK)", admin)
    recommender = Project.objects.filter(slug="product-recommender").first()
    if recommender is not None:
        AllocationRule.objects.get_or_create(
            field=AllocationRule.Field.SUB_ACCOUNT, match=AllocationRule.Match.PATTERN, value="reco-*",
            defaults={"project": recommender, "created_by": admin},
        )
    _seed_focus_import(months, admin)
    services.ledger_rollup()


def _cost(project, day, category, amount, currency, description, admin) -> None:
    CostEntry.objects.get_or_create(
        project=project, incurred_on=day, category=category, source=CostEntry.Source.MANUAL, description=description,
        defaults={"amount": amount, "currency": currency, "created_by": admin},
    )


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


def _seed_focus_import(months: list[date], admin) -> None:
    content = focus_demo_csv(months)
    stream = io.BytesIO(content)
    sha256 = focus.file_sha256(stream)
    if FocusImport.objects.filter(sha256=sha256).exists():
        return
    focus_import = FocusImport.objects.create(file_name="demo-focus-export.csv", sha256=sha256, created_by=admin)
    services.focus_import_run(import_id=focus_import.pk, stream=stream)
