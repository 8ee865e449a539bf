import pytest

from projects.models import Phase, Project
from tests.factories import ProjectFactory


@pytest.fixture
def running_project(team):
    project = ProjectFactory(team=team, name="Recommender", slug="recommender")
    Project.objects.filter(pk=project.pk).update(phase=Phase.RUN)
    project.refresh_from_db()
    return project
