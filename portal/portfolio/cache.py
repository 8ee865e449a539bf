"""The portfolio-wide figures through the cache, under a stamp of the data they were computed from."""
import hashlib

from django.conf import settings
from django.db.models import QuerySet
from django.utils.html import json_script

from portal.portfolio.overview import portfolio_overview
from projects import clock
from projects.models import Membership, Project, Team

OVERVIEW_CACHE_PREFIX = "portfolio:overview:"


def _event_models() -> list:
    """The pghistory event models: their triggers write a row on every insert and update of a tracked
    model, bulk writes and queryset updates included, so their highest ids move whenever data moves."""
    import pghistory.models
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, pghistory.models.Event) and not model._meta.proxy
            and model._meta.managed]


def data_stamp() -> str:
    """What the portfolio-wide figures were computed from, in one cheap query (index lookups only):
    the database (a recreated one starts its ids again), the last ledger rollup, the row counts of the
    tables where deletes happen, and the highest audit event id of every tracked model (projects, teams, costs, FOCUS imports,
    decommission requests, ADRs and placements, toil items and time logs...)."""
    from django.db import connection
    from projects.ledger.models import LedgerStatus

    quote = connection.ops.quote_name
    status = quote(LedgerStatus._meta.db_table)
    parts = [
        "(SELECT oid FROM pg_database WHERE datname = current_database())",
        f"(SELECT max(computed_at) FROM {status})",
    ]
    # Deletes leave no audit event: counting the rows of the tables where one happens sees them.
    parts += [f"(SELECT count(*) FROM {quote(model._meta.db_table)})" for model in (LedgerStatus, Membership, Project, Team)]
    parts += [
        f"(SELECT max({quote(model._meta.pk.column)}) FROM {quote(model._meta.db_table)})" for model in _event_models()
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return "|".join(str(value) for value in cursor.fetchone())


def _overview_for_page(base: QuerySet[Project] | None) -> dict:
    overview = portfolio_overview(base=base)
    # The chart's data for every project is the largest part of the page: serialised once, cached with the rest.
    overview["bubbles_json"] = json_script(overview["bubbles"], "portfolio-bubbles")
    # The page needs only each project's toil from the rows; their money figures would cost more to unpickle
    # than the rest of the page.
    overview["rows"] = [{"pk": row["pk"], "toil_minutes": row["toil_minutes"]} for row in overview["rows"]]
    return overview


def cached_overview(*, base: QuerySet[Project] | None = None) -> dict:
    """portfolio_overview() through the cache: computing it reads and walks every project (most of the
    page's time on a large portfolio), while it changes only when data does.

    The key holds data_stamp() (any insert or update of a tracked model, or a ledger rollup, gives a new
    key, so a stale entry is never read again), the day (the trailing window, overdue and stale decisions
    and the toil week move with it) and the language (alert texts are translated). A write the stamp
    cannot see (a delete in another table, an untracked raw update) shows at the latest after
    PORTFOLIO_CACHE_SECONDS. If the cache is down, the overview is computed as before."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    seconds = settings.PORTFOLIO_CACHE_SECONDS
    if not seconds:
        return _overview_for_page(base)
    stamp = "|".join((data_stamp(), clock.today().isoformat(), get_language() or ""))
    key = OVERVIEW_CACHE_PREFIX + hashlib.sha256(stamp.encode()).hexdigest()
    try:
        overview = cache.get(key)
    except Exception:  # Redis down: the page is computed as before.
        overview = None
    if overview is None:
        overview = _overview_for_page(base)
        try:
            cache.set(key, overview, seconds)
        except Exception:  # Redis down: nothing to keep it in.
            pass
    return overview
