"""The real `manage.py db_worker` in a subprocess, against the test database, with Lever played
by a local HTTP server: the end-to-end path, a worker killed mid-delivery, and a lost task."""

import datetime
import signal

import pytest
from django.utils import timezone

from hr.models import EmploymentDetails, Person, Task
from integrations.models import LogEntry, WebhookDelivery
from tests.hiring.lever_stub import LeverStub
from tests.lever_payloads import PERSON_CODE, signed
from tests.processes import (
    WORKER_TIMEOUT_SECONDS,
    process_env,
    run_batch_worker,
    start_worker,
    stop,
    wait_for,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_picklists"),
]


@pytest.fixture
def stub():
    with LeverStub() as lever:
        yield lever


def worker_env(stub):
    return process_env(
        LEVER_API_URL=stub.api_url, LEVER_RATE_LIMIT_PER_SECOND="100", SITE_URL="http://hr.test"
    )


def post_hire(client):
    body = signed()
    response = client.post(
        "/cezannehr/api/v4/Lever/webhook/AcmeHR", body, content_type="application/json"
    )
    assert response.status_code == 200
    return WebhookDelivery.objects.get(token=body["token"])


def assert_exactly_one_new_starter():
    assert Person.objects.get().person_code == PERSON_CODE
    assert EmploymentDetails.objects.count() == 1
    assert Task.objects.filter(status=Task.Status.OPEN).count() == 1


def test_end_to_end_through_a_real_worker(client, config, stub, bob, new_starter_process):
    delivery = post_hire(client)
    assert delivery.status == WebhookDelivery.Status.RECEIVED
    result = run_batch_worker(worker_env(stub))
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PROCESSED, result.stdout + result.stderr
    assert_exactly_one_new_starter()
    assert LogEntry.objects.filter(message__startswith="New Hire Process started").count() == 1
    assert "To: bob@example.com" in result.stdout  # the console e-mail backend
    paths = [path for path, _ in stub.requests]
    assert paths[0].startswith("/v1/opportunities/")
    assert all(auth == "Bearer test-access-token" for _, auth in stub.requests)


def test_a_worker_killed_mid_delivery_is_recovered(client, config, stub, bob, new_starter_process):
    stub.hold()
    worker = start_worker(worker_env(stub))
    try:
        delivery = post_hire(client)
        assert stub.held.wait(timeout=WORKER_TIMEOUT_SECONDS), "the worker never asked Lever"
        delivery.refresh_from_db()
        assert delivery.status == WebhookDelivery.Status.PROCESSING
    finally:
        stop(worker, signal.SIGKILL)
    stub.release()
    assert Person.objects.count() == 0
    # Once the lease has run out, the next worker's sweep puts it back in the queue.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        claimed_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    result = run_batch_worker(worker_env(stub))
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PROCESSED, result.stdout + result.stderr
    assert delivery.attempts == 2
    assert_exactly_one_new_starter()


def test_the_running_worker_sweeps_for_lost_tasks(config, stub, bob, new_starter_process):
    worker = start_worker(worker_env(stub), "--recovery-interval", "0.5")
    try:
        # A delivery whose task never reached the queue (e.g. the enqueue failed after commit).
        delivery = WebhookDelivery.objects.create(
            config=config,
            event="candidateHired",
            token="lost-task",
            triggered_at=timezone.now(),
            payload=signed(),
            opportunity_id="250d8f03-738a-4bba-a671-8a3d73477145",
        )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            received_at=timezone.now() - datetime.timedelta(minutes=10)
        )

        def processed():
            delivery.refresh_from_db()
            return delivery.status == WebhookDelivery.Status.PROCESSED

        assert wait_for(processed, timeout=WORKER_TIMEOUT_SECONDS)
    finally:
        output = stop(worker)
    assert "Re-enqueued 1 stalled Lever deliveries" in output
    assert_exactly_one_new_starter()
