"""Demo decision records for `seed_demo`: a dozen across projects, every status, a supersede chain, comments."""
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db import transaction

from adr import services
from adr.models import Adr, Cell, Comment, Status
from projects import clock
from projects.models import Project


def _option(title, good=(), bad=(), neutral=(), description=""):
    return {"title": title, "description": description, "good": list(good), "neutral": list(neutral), "bad": list(bad)}


# (project, author, reviewer or None, verdict, fields)
RECORDS = [
    ("churn-prediction", "sam", "lea", Status.ACCEPTED, {
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
    ("churn-prediction", "nina", "lea", Status.ACCEPTED, {
        "title": "Use XGBoost for the churn model",
        "context": "A tabular problem with 40 features and 2 million rows.",
        "options": [_option("XGBoost", ["strong on tabular data", "explainable with SHAP"]), _option("Deep neural network", [], ["no gain on tabular data"])],
        "chosen_option": "XGBoost", "outcome": "it beat the network on the hold-out set at a tenth of the training cost.",
        "tags": ["model"], "decision_makers": ["lea", "nina"],
    }),
    ("churn-prediction", "sam", None, Status.PROPOSED, {
        "title": "Retrain the churn model monthly",
        "context": "Drift on tenure features was seen after the price change.",
        "options": [_option("Monthly retraining"), _option("Retrain on drift alerts")],
        "tags": ["mlops"], "decision_makers": ["lea", "sam"],
    }),
    ("fraud-scoring", "olga", "raj", Status.ACCEPTED, {
        "title": "Keep features in Redis for real-time scoring",
        "context": "Card payments need a score in under 50 ms.",
        "options": [_option("Redis", ["sub-millisecond reads"]), _option("PostgreSQL", ["already run"], ["too slow under peak load"])],
        "chosen_option": "Redis", "outcome": "only an in-memory store meets the latency budget.",
        "tags": ["serving", "latency"], "decision_makers": ["raj", "olga"],
    }),
    ("fraud-scoring", "olga", "raj", Status.REJECTED, {
        "title": "Buy a vendor fraud-scoring service",
        "context": "A vendor offered a managed scoring API.",
        "options": [_option("Vendor API", ["no model to maintain"], ["data leaves the bank", "licence cost"])],
        "tags": ["vendor"], "decision_makers": ["raj"], "decision_makers_external": ["Procurement office"],
    }),
    ("demand-forecast", "zoe", "ken", Status.ACCEPTED, {
        "title": "Forecast weekly demand with a gradient-boosted model per region",
        "context": "Stores order weekly; forecasts by store were too noisy.",
        "chosen_option": "One model per region", "outcome": "regions are stable enough and the error halves.",
        "options": [_option("One model per store"), _option("One model per region")],
        "tags": ["model", "forecast"], "decision_makers": ["ken", "zoe"],
    }),
    ("demand-forecast", "zoe", "ken", Status.ACCEPTED, {
        "title": "Load sales with a nightly ETL job",
        "context": "Sales arrive from 300 stores as CSV files.",
        "options": [_option("ETL"), _option("ELT")], "chosen_option": "ETL", "outcome": "the team knew the tool.",
        "tags": ["data"], "decision_makers": ["ken"],
    }),
    ("demand-forecast", "zoe", "ken", Status.ACCEPTED, {
        "title": "Move sales loading to ELT in the warehouse",
        "context": "Transformations in the ETL job became hard to change; the warehouse can do them in SQL.",
        "options": [_option("Keep ETL"), _option("ELT in the warehouse")], "chosen_option": "ELT in the warehouse",
        "outcome": "transformations become versioned SQL that analysts can read.",
        "tags": ["data"], "decision_makers": ["ken", "zoe"], "supersedes_titles": ["Load sales with a nightly ETL job"],
    }),
    ("pump-maintenance", "ines", "tom", Status.ACCEPTED, {
        "title": "Sample vibration signals at 1 kHz",
        "context": "Bearing faults show between 100 and 400 Hz.",
        "tags": ["data", "signals"], "decision_makers": ["tom", "ines"],
    }),
    ("pump-maintenance", "ines", None, Status.DEPRECATED, {
        "title": "Store raw signals on the plant file server",
        "context": "The first pilot kept raw files on site.",
        "tags": ["data"], "decision_makers": ["tom"],
    }),
    ("product-recommender", "zoe", None, Status.PROPOSED, {
        "title": "Try an experimental graph-embedding library for recommendations",
        "context": "A new library promises better cold-start recommendations; it has no release yet.",
        "tags": ["model", "experimental"], "decision_makers": ["ken", "zoe"],
    }),
    ("uplift-campaign", "nina", "lea", Status.ACCEPTED, {
        "title": "Measure uplift with a randomised hold-out group",
        "context": "Without a control group the campaign's effect cannot be told apart from seasonality.",
        "tags": ["measurement"], "decision_makers": ["lea", "nina"], "consulted_external": ["Marketing analytics"],
    }),
]

COMMENTS = [
    ("churn-prediction", "Score churn in a nightly batch rather than in real time", "maria", "Good call: the cost review will thank you."),
    ("churn-prediction", "Retrain the churn model monthly", "lea", "Can we measure the drift first? Link the dashboard here."),
    ("demand-forecast", "Move sales loading to ELT in the warehouse", "hugo", "With hindsight ELT would have fit from the start."),
]


# (project, title, placements in order: (who, cell, reason, revisit-by offset in days or None))
PLACEMENTS = [
    ("churn-prediction", "Score churn in a nightly batch rather than in real time", [("lea", Cell.CONSCIOUS_PRUDENT, "", None)]),
    ("fraud-scoring", "Keep features in Redis for real-time scoring",
     [("raj", Cell.CONSCIOUS_RECKLESS, "No time to size a proper feature store before the launch.", -20)]),
    ("product-recommender", "Try an experimental graph-embedding library for recommendations",
     [("ken", Cell.UNCONSCIOUS_RECKLESS, "An unreleased library with no users outside its authors.", None)]),
    ("demand-forecast", "Load sales with a nightly ETL job",
     [("ken", Cell.CONSCIOUS_PRUDENT, "", None), ("hugo", Cell.UNCONSCIOUS_PRUDENT, "Hindsight: ELT in the warehouse would have fit better.", None)]),
]


@transaction.atomic
def seed() -> None:
    users = {user.username: user for user in User.objects.all()}
    projects = {project.slug: project for project in Project.objects.filter(slug__in={record[0] for record in RECORDS})}
    for slug, author, reviewer, status, fields in RECORDS:
        project = projects.get(slug)
        if project is None or Adr.objects.filter(project=project, title=fields["title"]).exists():
            continue
        fields = dict(fields)
        supersedes = [Adr.objects.get(project=project, title=title) for title in fields.pop("supersedes_titles", [])]
        fields["decision_makers"] = [users[name] for name in fields.get("decision_makers", [])]
        actor = users[author] if not project.is_retired else users["admin"]
        adr = services.adr_create(actor=actor, project=project, author=users[author], supersedes=supersedes,
                                  decided_on=date(2025, 6, 1) + timedelta(days=len(fields["title"])), **fields)
        if reviewer:
            services.adr_review(actor=users[reviewer], adr=adr, verdict=status, comment="Reviewed at the team's decision meeting.")
        elif status != Status.PROPOSED:
            services.adr_update(actor=actor, adr=adr, expected_version=adr.version, status=status, reason="No longer in use.")
        else:
            # Demo proposals have waited a month, so the stale list and the reminder have something to show.
            Adr.objects.filter(pk=adr.pk).update(created_at=clock.now() - timedelta(days=30))
    for slug, title, author, body in COMMENTS:
        adr = Adr.objects.filter(project__slug=slug, title=title).first()
        if adr and not Comment.objects.filter(adr=adr, body=body).exists():
            services.comment_add(actor=users[author], adr=adr, body=body)
    for slug, title, steps in PLACEMENTS:
        adr = Adr.objects.filter(project__slug=slug, title=title).first()
        if adr is None or adr.placements.exists():
            continue
        for who, cell, reason, offset in steps:
            revisit = clock.today() + timedelta(days=offset) if offset is not None else None
            services.placement_set(actor=users[who], adr=adr, cell=cell, reason=reason, revisit_by=revisit)
