"""The idempotency store under concurrency, and its daily purge."""
import threading
from datetime import timedelta

import pytest
from django.db import connection

from portal.models import IdempotencyRecord
from portal.tasks import idempotency_purge
from projects import clock
from projects.models import Project
from tests.api.conftest import api_client, make_token
from tests.factories import MembershipFactory, TeamFactory

NEW_PROJECT = {"team": "customer-analytics", "name": "Demand forecast", "slug": "demand-forecast"}


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_create_one_project():
    team = TeamFactory(name="Customer Analytics", slug="customer-analytics")
    secret = make_token(MembershipFactory(team=team).user)
    barrier = threading.Barrier(4)
    statuses = []

    def post():
        barrier.wait()
        try:
            response = api_client(secret).post(
                "/api/v1/projects/", NEW_PROJECT, content_type="application/json", headers={"Idempotency-Key": "k-1"}
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [201, 201, 201, 201]
    assert Project.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.calendar
@pytest.mark.django_db
def test_purge_forgets_records_older_than_a_day(member):
    old = IdempotencyRecord.objects.create(user=member, key="old", fingerprint="f", status_code=201, body={})
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=clock.now() - timedelta(days=2))
    IdempotencyRecord.objects.create(user=member, key="fresh", fingerprint="f", status_code=201, body={})

    assert idempotency_purge.delay().get() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]
