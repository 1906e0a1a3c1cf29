"""The real `manage.py db_worker` in a subprocess, against the test database, with Lever played
by a local HTTP server: the end-to-end path, a worker killed mid-delivery, and a lost task."""

import datetime
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from hr.models import EmploymentDetails, Person, Task
from integrations.models import LogEntry, WebhookDelivery
from tests.hiring.lever_stub import LeverStub
from tests.lever_payloads import PERSON_CODE, signed

# serialized_rollback: the data migrations (genders...) are restored after each flush.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORKER_TIMEOUT_SECONDS = 60


@pytest.fixture
def stub():
    with LeverStub() as lever:
        yield lever


def database_url():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def worker_env(stub):
    return {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url(),
        "LEVER_API_URL": stub.api_url,
        "LEVER_RATE_LIMIT_PER_SECOND": "100",
        "EMAIL_URL": "consolemail://",
        "SITE_URL": "http://hr.test",
    }


def worker_command(*extra):
    return [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.2",
        *extra,
    ]


def run_batch_worker(stub):
    """Process everything queued (after the start-up recovery sweep), then exit."""
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        worker_command("--batch"),
        cwd=settings.BASE_DIR,
        env=worker_env(stub),
        capture_output=True,
        text=True,
        timeout=WORKER_TIMEOUT_SECONDS,
        check=True,
    )


def start_worker(stub, *extra):
    return subprocess.Popen(  # noqa: S603
        worker_command(*extra),
        cwd=settings.BASE_DIR,
        env=worker_env(stub),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(predicate, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def stop(process, sig=signal.SIGTERM):
    if process.poll() is None:
        process.send_signal(sig)
    try:
        return process.communicate(timeout=15)[0]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[0]


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
    result = run_batch_worker(stub)
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
    worker = start_worker(stub)
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
    result = run_batch_worker(stub)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PROCESSED, result.stdout + result.stderr
    assert delivery.attempts == 2
    assert_exactly_one_new_starter()


def test_the_running_worker_sweeps_for_lost_tasks(config, stub, bob, new_starter_process):
    worker = start_worker(stub, "--recovery-interval", "0.5")
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
