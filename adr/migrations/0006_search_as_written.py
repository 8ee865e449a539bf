"""The stored search vector also holds the sections' words as written, for the portal's search."""
from django.db import migrations


def rebuild(apps, schema_editor):
    from adr.models import search_document

    apps.get_model("adr", "Adr").objects.update(search=search_document())


class Migration(migrations.Migration):
    dependencies = [("adr", "0005_accepted_on_from_reviews")]
    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
