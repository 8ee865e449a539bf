"""A status written exactly as the portal names it is no longer kept beside it (imports now store it
only when it differs), so that re-importing an old file does not count the blanking as a change."""
from django.db import migrations
from django.db.models import F


def blank_when_same(apps, schema_editor):
    apps.get_model("adr", "Adr").objects.filter(status_as_written=F("status")).update(status_as_written="")


class Migration(migrations.Migration):
    dependencies = [("adr", "0006_search_as_written")]
    operations = [migrations.RunPython(blank_when_same, migrations.RunPython.noop)]
