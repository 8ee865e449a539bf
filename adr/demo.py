"""Demo decision records for `seed_demo`: a dozen across projects, every status, a supersede chain, comments
and matrix placements, on the days their history gives (proposed, reviewed, placed) over the last eighteen
months, counted back from the day of the seed."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from adr import services
from adr.models import Adr, AdrRevision, Cell, Comment, Review, Status
from projects.models import Project


def _option(title, good=(), bad=(), neutral=(), description=""):
    return {"title": title, "description": description, "good": list(good), "neutral": list(neutral), "bad": list(bad)}


@dataclass(frozen=True)
class DemoRecord:
    project: str
    author: str
    reviewer: str | None  # gives the verdict; without one, an edit sets a status other than proposed
    status: str
    proposed_days_ago: int
    decided_after_days: int | None  # the review or the status edit, that many days after the proposal
    fields: dict


RECORDS = [
    DemoRecord("churn-prediction", "sam", "lea", Status.ACCEPTED, 500, 6, {
        "title": "Score churn in a nightly batch rather than in real time",
        "context": "Retention offers go out **once a month**; nobody needs a score fresher than a day.",
        "drivers": "* Run cost\n* Simplicity of operations",
        "options": [_option("Nightly batch", ["no serving infrastructure"], ["scores up to a day old"]),
                    _option("Real-time API", ["fresh scores"], ["an always-on service to run and pay for"])],
        "chosen_option": "Nightly batch", "outcome": "the usage is monthly, so a daily score is more than enough.",
        "consequences": "* Good, because the run cost stays small.\n* Bad, because an ad-hoc score waits for the night.",
        "confirmation": "The monthly cost review checks that no serving endpoint exists.",
        "tags": ["serving", "cost"], "decision_makers": ["lea", "sam"],
    }),
    DemoRecord("churn-prediction", "nina", "lea", Status.ACCEPTED, 470, 3, {
        "title": "Use XGBoost for the churn model",
        "context": "A tabular problem with 40 features and 2 million rows.",
        "options": [_option("XGBoost", ["strong on tabular data", "explainable with SHAP"]), _option("Deep neural network", [], ["no gain on tabular data"])],
        "chosen_option": "XGBoost", "outcome": "it beat the network on the hold-out set at a tenth of the training cost.",
        "tags": ["model"], "decision_makers": ["lea", "nina"],
    }),
    DemoRecord("churn-prediction", "sam", None, Status.PROPOSED, 30, None, {
        "title": "Retrain the churn model monthly",
        "context": "Drift on tenure features was seen after the price change.",
        "options": [_option("Monthly retraining"), _option("Retrain on drift alerts")],
        "tags": ["mlops"], "decision_makers": ["lea", "sam"],
    }),
    DemoRecord("fraud-scoring", "olga", "raj", Status.ACCEPTED, 460, 2, {
        "title": "Keep features in Redis for real-time scoring",
        "context": "Card payments need a score in under 50 ms.",
        "options": [_option("Redis", ["sub-millisecond reads"]), _option("PostgreSQL", ["already run"], ["too slow under peak load"])],
        "chosen_option": "Redis", "outcome": "only an in-memory store meets the latency budget.",
        "tags": ["serving", "latency"], "decision_makers": ["raj", "olga"],
    }),
    DemoRecord("fraud-scoring", "olga", "raj", Status.REJECTED, 400, 12, {
        "title": "Buy a vendor fraud-scoring service",
        "context": "A vendor offered a managed scoring API.",
        "options": [_option("Vendor API", ["no model to maintain"], ["data leaves the bank", "licence cost"])],
        "tags": ["vendor"], "decision_makers": ["raj"], "decision_makers_external": ["Procurement office"],
    }),
    DemoRecord("demand-forecast", "zoe", "ken", Status.ACCEPTED, 430, 9, {
        "title": "Forecast weekly demand with a gradient-boosted model per region",
        "context": "Stores order weekly; forecasts by store were too noisy.",
        "chosen_option": "One model per region", "outcome": "regions are stable enough and the error halves.",
        "options": [_option("One model per store"), _option("One model per region")],
        "tags": ["model", "forecast"], "decision_makers": ["ken", "zoe"],
    }),
    DemoRecord("demand-forecast", "zoe", "ken", Status.ACCEPTED, 510, 4, {
        "title": "Load sales with a nightly ETL job",
        "context": "Sales arrive from 300 stores as CSV files.",
        "options": [_option("ETL"), _option("ELT")], "chosen_option": "ETL", "outcome": "the team knew the tool.",
        "tags": ["data"], "decision_makers": ["ken"],
    }),
    DemoRecord("demand-forecast", "zoe", "ken", Status.ACCEPTED, 150, 10, {
        "title": "Move sales loading to ELT in the warehouse",
        "context": "Transformations in the ETL job became hard to change; the warehouse can do them in SQL.",
        "options": [_option("Keep ETL"), _option("ELT in the warehouse")], "chosen_option": "ELT in the warehouse",
        "outcome": "transformations become versioned SQL that analysts can read.",
        "tags": ["data"], "decision_makers": ["ken", "zoe"], "supersedes_titles": ["Load sales with a nightly ETL job"],
    }),
    DemoRecord("pump-maintenance", "ines", "tom", Status.ACCEPTED, 520, 5, {
        "title": "Sample vibration signals at 1 kHz",
        "context": "Bearing faults show between 100 and 400 Hz.",
        "tags": ["data", "signals"], "decision_makers": ["tom", "ines"],
    }),
    DemoRecord("pump-maintenance", "ines", None, Status.DEPRECATED, 560, 360, {
        "title": "Store raw signals on the plant file server",
        "context": "The first pilot kept raw files on site.",
        "tags": ["data"], "decision_makers": ["tom"],
    }),
    DemoRecord("product-recommender", "zoe", None, Status.PROPOSED, 21, None, {
        "title": "Try an experimental graph-embedding library for recommendations",
        "context": "A new library promises better cold-start recommendations; it has no release yet.",
        "tags": ["model", "experimental"], "decision_makers": ["ken", "zoe"],
    }),
    DemoRecord("uplift-campaign", "nina", "lea", Status.ACCEPTED, 200, 4, {
        "title": "Measure uplift with a randomised hold-out group",
        "context": "Without a control group the campaign's effect cannot be told apart from seasonality.",
        "tags": ["measurement"], "decision_makers": ["lea", "nina"], "consulted_external": ["Marketing analytics"],
    }),
]

# (project, title, author, body, written that many days ago)
COMMENTS = [
    ("churn-prediction", "Score churn in a nightly batch rather than in real time", "maria", "Good call: the cost review will thank you.", 480),
    ("churn-prediction", "Retrain the churn model monthly", "lea", "Can we measure the drift first? Link the dashboard here.", 26),
    ("demand-forecast", "Move sales loading to ELT in the warehouse", "hugo", "With hindsight ELT would have fit from the start.", 140),
]

# (project, title, placements in order: (who, cell, reason, placed that many days ago, revisit-by offset in days
# from the day of the seed or None)). Spread so that every quarter of the chart has some.
PLACEMENTS = [
    ("demand-forecast", "Load sales with a nightly ETL job",
     [("ken", Cell.CONSCIOUS_PRUDENT, "", 500, None),
      ("hugo", Cell.UNCONSCIOUS_PRUDENT, "Hindsight: ELT in the warehouse would have fit better.", 120, None)]),
    ("churn-prediction", "Score churn in a nightly batch rather than in real time", [("lea", Cell.CONSCIOUS_PRUDENT, "", 490, None)]),
    ("fraud-scoring", "Keep features in Redis for real-time scoring",
     [("raj", Cell.CONSCIOUS_RECKLESS, "No time to size a proper feature store before the launch.", 455, -20)]),
    ("demand-forecast", "Forecast weekly demand with a gradient-boosted model per region", [("ken", Cell.CONSCIOUS_PRUDENT, "", 400, None)]),
    ("pump-maintenance", "Sample vibration signals at 1 kHz", [("tom", Cell.CONSCIOUS_PRUDENT, "", 330, None)]),
    ("pump-maintenance", "Store raw signals on the plant file server",
     [("tom", Cell.UNCONSCIOUS_RECKLESS, "Nobody weighed access rights or backups; the pilot's habit simply stayed.", 250, None)]),
    ("uplift-campaign", "Measure uplift with a randomised hold-out group", [("lea", Cell.CONSCIOUS_PRUDENT, "", 190, None)]),
    ("demand-forecast", "Move sales loading to ELT in the warehouse", [("ken", Cell.CONSCIOUS_PRUDENT, "", 130, None)]),
    ("churn-prediction", "Use XGBoost for the churn model",
     [("lea", Cell.CONSCIOUS_PRUDENT, "Placed at the quarterly matrix review.", 75, None)]),
    ("product-recommender", "Try an experimental graph-embedding library for recommendations",
     [("ken", Cell.UNCONSCIOUS_RECKLESS, "An unreleased library with no users outside its authors.", 18, None)]),
]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_default_timezone())


def _dated(adr: Adr, moment: datetime, **fields) -> None:
    """Date the record's latest change, which the services stamped with the clock's now."""
    latest = AdrRevision.objects.filter(adr=adr).order_by("-version").values("pk")[:1]
    AdrRevision.objects.filter(pk__in=latest).update(changed_at=moment)
    Adr.objects.filter(pk=adr.pk).update(updated_at=moment, **fields)


@transaction.atomic
def seed(today: date) -> None:
    users = {user.username: user for user in User.objects.all()}
    projects = {project.slug: project for project in Project.objects.filter(slug__in={record.project for record in RECORDS})}
    # Oldest first, so that numbers follow the order the records were written in.
    for record in sorted(RECORDS, key=lambda record: -record.proposed_days_ago):
        _write(record, projects[record.project], users, today)
    for slug, title, author, body, days_ago in COMMENTS:
        adr = Adr.objects.get(project__slug=slug, title=title)
        comment = services.comment_add(actor=users[author], adr=adr, body=body)
        Comment.objects.filter(pk=comment.pk).update(created_at=_at(today - timedelta(days=days_ago), 11))
    for slug, title, steps in PLACEMENTS:
        adr = Adr.objects.get(project__slug=slug, title=title)
        for who, cell, reason, days_ago, revisit in steps:
            services.placement_set(
                actor=users[who], adr=adr, cell=cell, reason=reason,
                revisit_by=today + timedelta(days=revisit) if revisit is not None else None,
                placed_at=_at(today - timedelta(days=days_ago), 16),
            )


def _write(record: DemoRecord, project: Project, users: dict[str, User], today: date) -> None:
    """Write one record as its history went: proposed, then reviewed or edited into its status."""
    fields = dict(record.fields)
    supersedes = [Adr.objects.get(project=project, title=title) for title in fields.pop("supersedes_titles", [])]
    fields["decision_makers"] = [users[name] for name in fields.get("decision_makers", [])]
    proposed_on = today - timedelta(days=record.proposed_days_ago)
    decided_on = proposed_on + timedelta(days=record.decided_after_days) if record.decided_after_days is not None else None
    author = users[record.author]
    if record.reviewer:
        fields["decided_on"] = decided_on  # the day of the decision meeting, written on the record
    adr = services.adr_create(actor=author, project=project, author=author, supersedes=supersedes, **fields)
    proposed = _at(proposed_on, 9)
    Adr.objects.filter(pk=adr.pk).update(created_at=proposed)
    _dated(adr, proposed)
    for old in supersedes:
        _dated(old, proposed)
    if decided_on is None:
        return
    decided = _at(decided_on, 15)
    if record.reviewer:
        review = services.adr_review(
            actor=users[record.reviewer], adr=adr, verdict=record.status, comment="Reviewed at the team's decision meeting."
        )
        Review.objects.filter(pk=review.pk).update(reviewed_at=decided)
        accepted_on = decided_on if record.status == Status.ACCEPTED else None
        _dated(adr, decided, decided_on=decided_on, accepted_on=accepted_on)
    else:
        services.adr_update(
            actor=author, adr=adr, expected_version=adr.version, status=record.status, decided_on=decided_on,
            reason="No longer in use.",
        )
        _dated(adr, decided)
