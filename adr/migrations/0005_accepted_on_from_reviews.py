"""Decisions accepted before `accepted_on` existed: the day of their accepting review (in TIME_ZONE)."""
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations


def fill_accepted_on(apps, schema_editor):
    Adr = apps.get_model("adr", "Adr")
    Review = apps.get_model("adr", "Review")
    zone = ZoneInfo(settings.TIME_ZONE)
    accepted = Review.objects.filter(verdict="accepted", adr__accepted_on__isnull=True).order_by("adr_id", "-reviewed_at", "-pk")
    latest = {}
    for adr_id, reviewed_at in accepted.values_list("adr_id", "reviewed_at"):
        latest.setdefault(adr_id, reviewed_at)
    for adr_id, reviewed_at in latest.items():
        Adr.objects.filter(pk=adr_id).update(accepted_on=reviewed_at.astimezone(zone).date())


class Migration(migrations.Migration):
    dependencies = [("adr", "0004_accepted_on")]

    operations = [migrations.RunPython(fill_accepted_on, migrations.RunPython.noop)]
