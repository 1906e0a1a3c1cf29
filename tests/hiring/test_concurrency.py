"""Duplicate and concurrent deliveries, with real threads and real transactions (the point of
running the suite on PostgreSQL too): never two people, employments or open New Starter tasks."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from hr.models import EmploymentDetails, Person, Task
from hr.services.hires import NewHire, start_new_hire
from integrations import hiring
from integrations.models import WebhookDelivery
from tests.lever_payloads import signed

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_picklists"),
]

THREADS = 4


def run_at_once(target, count=THREADS):
    """Run target(i) in `count` threads released together; re-raise the first error."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = target(i)
        except Exception as exc:  # surfaced below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def assert_one_new_starter():
    assert Person.objects.count() == 1
    assert EmploymentDetails.objects.count() == 1
    assert Task.objects.filter(status=Task.Status.OPEN, is_new_starter=True).count() == 1


def test_concurrent_hire_service_calls_create_one_of_each(bob, company, new_starter_process):
    hire = NewHire(
        person_code="LEV-RACE",
        employment_id="LEV-RACE",
        first_name="Grace",
        surname="Hopper",
        full_name="Grace Hopper",
        lever_contact_id="contact-race",
    )
    results = run_at_once(lambda i: start_new_hire(hire, company=company, administrator=bob))
    assert_one_new_starter()
    assert sum(result.person_created for result in results) == 1
    assert sum(result.task_created for result in results) == 1


def test_concurrent_deliveries_of_one_hire(config, lever, bob, new_starter_process):
    lever.hired()
    deliveries = [
        WebhookDelivery.objects.create(
            config=config,
            event="candidateHired",
            token=f"token-{i}",
            triggered_at="2026-12-01T10:00:00Z",
            payload={},
            opportunity_id="250d8f03-738a-4bba-a671-8a3d73477145",
        )
        for i in range(THREADS)
    ]
    outcomes = run_at_once(lambda i: hiring.process_delivery(deliveries[i].pk))
    assert outcomes == [hiring.Outcome.PROCESSED] * THREADS
    assert_one_new_starter()


def test_one_delivery_run_by_several_workers_is_claimed_once(
    config, lever, bob, new_starter_process
):
    lever.hired()
    delivery = WebhookDelivery.objects.create(
        config=config,
        event="candidateHired",
        token="token",
        triggered_at="2026-12-01T10:00:00Z",
        payload={},
        opportunity_id="250d8f03-738a-4bba-a671-8a3d73477145",
    )
    outcomes = run_at_once(lambda i: hiring.process_delivery(delivery.pk))
    assert sorted(outcomes) == sorted(
        [hiring.Outcome.PROCESSED] + [hiring.Outcome.NOT_CLAIMED] * (THREADS - 1)
    )
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert len(lever.calls_to("/opportunities/")) == 1
    assert_one_new_starter()


def test_the_same_webhook_posted_at_once_is_stored_once(config):
    body = json.dumps(signed())

    def post(i):
        response = Client().post(
            "/cezannehr/api/v4/Lever/webhook/AcmeHR", body, content_type="application/json"
        )
        return response.status_code, response.json()["status"]

    results = run_at_once(post)
    assert all(code == 200 for code, _ in results)
    assert sorted(status for _, status in results).count("accepted") == 1
    assert WebhookDelivery.objects.count() == 1
