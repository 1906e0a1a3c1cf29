"""The Log screen and the webhook deliveries in the admin: who sees what, and Retry."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hr.models import Person
from integrations import log
from integrations.models import LogEntry, WebhookDelivery

pytestmark = pytest.mark.django_db

LOG_URL = reverse("admin:integrations_logentry_changelist")
DELIVERIES_URL = reverse("admin:integrations_webhookdelivery_changelist")


@pytest.fixture
def person(gender_unknown):
    return Person.objects.create(
        person_code="LEV-1",
        first_name="Ada",
        surname="Lovelace",
        full_name="Ada Lovelace",
        external_email="ada@example.com",
        gender=gender_unknown,
        date_of_birth=datetime.date(1990, 1, 1),
    )


@pytest.fixture
def failed(config):
    return WebhookDelivery.objects.create(
        config=config,
        event="candidateHired",
        token="t-failed",
        triggered_at=timezone.now(),
        payload={"event": "candidateHired", "data": {"opportunityId": "opp-failed"}},
        opportunity_id="opp-failed",
        status=WebhookDelivery.Status.FAILED,
        attempts=8,
        last_error="Lever is temporarily unavailable",
    )


@pytest.fixture
def entries(config, person, failed):
    return {
        "info": log.info(config, "New Hire Process started for Ada Lovelace.", person=person),
        "error": log.error(config, "The New Starter task was not created.", delivery=failed),
    }


def retry_tasks():
    return DBTaskResult.objects.filter(task_path="integrations.tasks.process_delivery")


def test_hr_professional_reads_the_log_newest_first_with_level_badges(client, bob, entries):
    client.force_login(bob)
    response = client.get(LOG_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("The New Starter task was not created") < page.index("New Hire Process")
    assert "lever-log-level-error" in page and "lever-log-level-info" in page
    assert reverse("admin:hr_person_change", args=[entries["info"].person.pk]) in page
    # No Retry, no deliveries for an HR Professional.
    assert "webhookdelivery" not in page
    assert "retry_selected" not in page


def test_the_log_is_read_only(client, bob, alice, entries):
    for user in (bob, alice):
        client.force_login(user)
        detail = client.get(
            reverse("admin:integrations_logentry_change", args=[entries["info"].pk])
        )
        assert detail.status_code == 200
        assert b'name="_save"' not in detail.content
        assert client.get(reverse("admin:integrations_logentry_add")).status_code == 403
        delete = reverse("admin:integrations_logentry_delete", args=[entries["info"].pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert LogEntry.objects.count() == 2


def test_managers_see_the_delivery_link_on_an_entry(client, alice, bob, entries, failed):
    url = reverse("admin:integrations_logentry_change", args=[entries["error"].pk])
    delivery_url = reverse("admin:integrations_webhookdelivery_change", args=[failed.pk])
    client.force_login(alice)
    assert delivery_url in client.get(url).content.decode()
    client.force_login(bob)
    assert delivery_url not in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level__exact": "error"}, ["The New Starter task was not created"]),
        ({"level__exact": "info"}, ["New Hire Process started"]),
        ({"q": "Lovelace"}, ["New Hire Process started"]),
        ({"q": "ada@example.com"}, ["New Hire Process started"]),
        ({"q": "opp-failed"}, ["The New Starter task was not created"]),
    ],
)
def test_filters_and_search(client, bob, entries, params, expected):
    client.force_login(bob)
    page = client.get(LOG_URL, params).content.decode()
    messages = ["New Hire Process started", "The New Starter task was not created"]
    for message in messages:
        assert (message in page) == (message in expected)


def test_filter_by_config_and_date(client, bob, entries, config):
    client.force_login(bob)
    assert client.get(LOG_URL, {"config__id__exact": config.pk}).status_code == 200
    today = timezone.localdate()
    response = client.get(
        LOG_URL, {"created_at__year": today.year, "created_at__month": today.month}
    )
    assert "New Hire Process started" in response.content.decode()


def test_others_cannot_see_the_log(client, carol, entries):
    client.force_login(carol)
    assert client.get(LOG_URL).status_code == 403


def test_retry_link_goes_through_a_confirmation_page(client, alice, entries, failed):
    client.force_login(alice)
    url = reverse("admin:integrations_webhookdelivery_retry", args=[failed.pk])
    assert url in client.get(LOG_URL).content.decode()
    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "Retry these hires?" in confirmation.content.decode()
    assert "opp-failed" in confirmation.content.decode()
    failed.refresh_from_db()
    assert failed.status == WebhookDelivery.Status.FAILED  # nothing happens on GET
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302 and response.url == LOG_URL
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (WebhookDelivery.Status.RECEIVED, 0)
    assert LogEntry.objects.filter(message__startswith="alice asked to retry").exists()


def test_retry_action_on_error_entries(
    client, dave, entries, failed, django_capture_on_commit_callbacks
):
    client.force_login(dave)
    selected = [entries["error"].pk, entries["info"].pk]
    data = {"action": "retry_selected", ACTION_CHECKBOX_NAME: selected}
    confirmation = client.post(LOG_URL, data)
    assert confirmation.status_code == 200
    assert "Yes, retry" in confirmation.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(LOG_URL, data | {"post": "yes"})
    assert done.status_code == 302
    failed.refresh_from_db()
    assert failed.status == WebhookDelivery.Status.RECEIVED
    assert retry_tasks().count() == 1


def test_hr_professional_cannot_retry(client, bob, entries, failed):
    client.force_login(bob)
    url = reverse("admin:integrations_webhookdelivery_retry", args=[failed.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    data = {"action": "retry_selected", ACTION_CHECKBOX_NAME: [entries["error"].pk], "post": "yes"}
    client.post(LOG_URL, data)
    failed.refresh_from_db()
    assert failed.status == WebhookDelivery.Status.FAILED


def test_deliveries_are_for_managers_only(client, alice, dave, bob, carol, failed):
    for user, status in ((alice, 200), (dave, 200), (bob, 403), (carol, 403)):
        client.force_login(user)
        assert client.get(DELIVERIES_URL).status_code == status
        detail = reverse("admin:integrations_webhookdelivery_change", args=[failed.pk])
        assert client.get(detail).status_code == status


def test_delivery_detail_is_read_only_with_payload_and_log(client, alice, failed, entries):
    client.force_login(alice)
    page = client.get(reverse("admin:integrations_webhookdelivery_change", args=[failed.pk]))
    content = page.content.decode()
    assert "opp-failed" in content and "The New Starter task was not created" in content
    assert b'name="_save"' not in page.content
    assert client.get(reverse("admin:integrations_webhookdelivery_add")).status_code == 403


def test_deliveries_filter_by_status_and_retry_action(
    client, alice, failed, config, django_capture_on_commit_callbacks
):
    processed = WebhookDelivery.objects.create(
        config=config,
        event="candidateHired",
        token="t-ok",
        triggered_at=timezone.now(),
        payload={},
        opportunity_id="opp-ok",
        status=WebhookDelivery.Status.PROCESSED,
    )
    client.force_login(alice)
    page = client.get(DELIVERIES_URL, {"status__exact": "failed"}).content.decode()
    assert "opp-failed" in page and "opp-ok" not in page
    data = {"action": "retry_selected", ACTION_CHECKBOX_NAME: [failed.pk, processed.pk]}
    confirmation = client.post(DELIVERIES_URL, data).content.decode()
    assert "These will be left alone" in confirmation
    with django_capture_on_commit_callbacks(execute=True):
        client.post(DELIVERIES_URL, data | {"post": "yes"})
    failed.refresh_from_db()
    processed.refresh_from_db()
    assert failed.status == WebhookDelivery.Status.RECEIVED
    assert processed.status == WebhookDelivery.Status.PROCESSED
