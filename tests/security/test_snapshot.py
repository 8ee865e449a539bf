"""The snapshot the permission matrix relies on sees any change to a row, and only the portal's tables."""
import pytest

from projects.models import Project
from tests.security import snapshot
from tests.security.htmlcheck import hostile_parts
from tests.security.org import build_org

pytestmark = pytest.mark.django_db


def test_a_changed_field_an_added_row_and_a_deleted_row_are_seen():
    org = build_org()
    first = snapshot.tables()
    Project.objects.filter(pk=org.project.pk).update(summary="Changed quietly.")
    second = snapshot.tables()
    assert first["projects_project"][0] == second["projects_project"][0]
    assert first["projects_project"][1] != second["projects_project"][1]
    org.rule.delete()
    assert snapshot.tables()["projects_allocationrule"][0] == first["projects_allocationrule"][0] - 1


def test_event_tables_and_other_apps_are_left_out():
    names = snapshot.table_names()
    assert "projects_project" in names and "toil_toilitem" in names and "portal_apitoken" in names
    assert not any(name.endswith("event") and name != "projects_decommissionevent" for name in names)
    assert "django_session" not in names and "axes_accessattempt" not in names


def test_the_html_check_finds_what_it_looks_for():
    parts = hostile_parts('<p onclick="x()"><script>1</script><a href=" java\tscript:alert(1)">a</a></p>')
    assert parts["tags"] and parts["handlers"] and parts["urls"]
