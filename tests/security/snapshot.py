"""Row count and checksum of each of the portal's own tables, to prove a request changed nothing.

The tables of the projects, adr, toil and portal apps count, many-to-many tables included; the
pghistory event tables are left out (they only grow with the rows they mirror), as are sessions and
django-axes' login attempts, which live in other apps.
"""
import pghistory.models
from django.apps import apps
from django.db import connection

APPS = ("projects", "adr", "toil", "portal")


def table_names() -> list[str]:
    names = set()
    for label in APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if issubclass(model, pghistory.models.Event) or not model._meta.managed:
                continue
            names.add(model._meta.db_table)
    return sorted(names)


def tables() -> dict[str, tuple[int, str]]:
    """{table: (row count, md5 of its sorted rows)} in one query."""
    names = table_names()
    query = " UNION ALL ".join(
        f"SELECT %s, count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') FROM {connection.ops.quote_name(name)} t"
        for name in names
    )
    with connection.cursor() as cursor:
        cursor.execute(query, names)
        return {name: (count, digest) for name, count, digest in cursor.fetchall()}
