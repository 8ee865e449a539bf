"""Schemathesis drives the live server from its own OpenAPI document, with a read-and-write token:
no server error, no response that breaks the documented schema."""
import itertools
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.api.conftest import make_token
from adr import services as adr_services
from projects.decommission import services as decommission_services
from projects.models import Phase, Project
from tests.factories import (
    CostEntryFactory,
    MembershipFactory,
    ProjectFactory,
    TeamFactory,
    TimeLogFactory,
    ToilItemFactory,
    UserFactory,
    ValueEntryFactory,
    make_admin,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api_token():
    team = TeamFactory(name="Customer Analytics", slug="customer-analytics")
    user = MembershipFactory(team=team, user=UserFactory(username="pipeline")).user
    churn = ProjectFactory(team=team, name="Churn model", slug="churn-model")
    fraud = ProjectFactory(team=TeamFactory(slug="risk", name="Risk"), name="Fraud model", slug="fraud-model", phase="build")
    # Rows in every list, so the documented shapes of the answers are checked, not only empty pages.
    CostEntryFactory(project=churn)
    ValueEntryFactory(project=churn)
    TimeLogFactory(item=ToilItemFactory(project=churn, owner=user), user=user)
    Project.objects.filter(pk=fraud.pk).update(phase=Phase.RUN)
    fraud.refresh_from_db()
    decommission_services.decommission_request(actor=make_admin(username="root"), project=fraud, reason="Replaced.")
    adr = adr_services.adr_create(actor=user, project=churn, title="Serve scores online", decision_makers=[user])
    adr_services.placement_set(actor=user, adr=adr, cell="conscious_reckless", revisit_by=date(2027, 1, 1))
    return make_token(user, scope="write")


@pytest.fixture
def api_schema(live_server, api_token):
    return schemathesis.openapi.from_url(
        f"{live_server.url}/api/v1/openapi.json", headers={"Authorization": f"Bearer {api_token}"}
    )


def test_api_answers_within_its_schema(api_schema, api_token):
    # Schemathesis' lazy pytest plugin does not run under pytest 9 yet, so each operation's strategy is driven here.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 55
    for operation, mode in itertools.product(operations, [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def call(case):
            case.call_and_validate(
                headers={"Authorization": f"Bearer {api_token}"},
                checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
            )

        call()
