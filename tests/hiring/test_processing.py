"""Processing one delivery in the worker (SPEC section 7), Lever mocked at the HTTP seam."""

import pytest
from django.core import mail
from django.utils import timezone

from hr.models import EmploymentDetails, Person, Task
from integrations import hiring
from integrations.models import IntegrationConfig, LogEntry, WebhookDelivery
from tests.lever_payloads import PERSON_CODE, fixture

pytestmark = pytest.mark.django_db


def entries(level=None):
    qs = LogEntry.objects.order_by("id")
    return list(qs.filter(level=level) if level else qs)


def test_a_hire_becomes_person_employment_task_email_and_log(
    hire, lever, bob, company, new_starter_process
):
    lever.hired()
    delivery = hire()
    assert delivery.status == WebhookDelivery.Status.PROCESSED
    assert delivery.attempts == 1 and delivery.processed_at is not None
    person = Person.objects.get()
    assert (person.person_code, person.full_name) == (PERSON_CODE, "Anna van der Berg")
    employment = EmploymentDetails.objects.get()
    assert (employment.person, employment.company) == (person, company)
    task = Task.objects.get()
    assert (task.person, task.assigned_to, task.process) == (person, bob, new_starter_process)
    (message,) = mail.outbox
    assert message.to == ["bob@example.com"]
    (entry,) = entries()
    assert entry.level == LogEntry.Level.INFO
    assert entry.message.startswith("New Hire Process started for Anna van der Berg")
    assert (entry.person, entry.delivery, entry.opportunity_id) == (
        person,
        delivery,
        delivery.opportunity_id,
    )
    # Only Lever's API was trusted, and it was asked with the stored access token.
    (call,) = lever.calls_to("/opportunities/")
    assert call.request.headers["Authorization"] == "Bearer test-access-token"


def test_archive_reasons_are_cached(hire, lever, bob, company, new_starter_process):
    lever.hired()
    hire()
    hire()
    assert len(lever.calls_to("/archive_reasons/")) == 1
    assert len(lever.calls_to("/opportunities/")) == 2


def test_existing_person_is_not_overwritten_and_says_so(
    hire, lever, bob, company, new_starter_process, gender_unknown
):
    Person.objects.create(
        person_code=PERSON_CODE,
        first_name="Annie",
        surname="Berg",
        gender=gender_unknown,
        date_of_birth=timezone.localdate(),
    )
    lever.hired()
    assert hire().status == WebhookDelivery.Status.PROCESSED
    person = Person.objects.get()
    assert (person.first_name, person.surname, person.mobile_number) == (
        "Annie",
        "Berg",
        "+44 7700 900123",
    )
    existed, started = entries()
    assert "already existed" in existed.message and "mobile number" in existed.message
    assert started.message.startswith("New Hire Process started")


def test_one_word_name_is_a_warning(hire, lever, bob, company, new_starter_process):
    lever.hired("one_word_name")
    assert hire().status == WebhookDelivery.Status.PROCESSED
    assert Person.objects.get().surname == "Madonna"
    (warning,) = entries(LogEntry.Level.WARNING)
    assert "only one name" in warning.message and warning.person == Person.objects.get()


def test_not_archived_is_ignored_with_a_warning(hire, lever, bob, company, new_starter_process):
    lever.opportunity("not_archived")
    delivery = hire()
    assert delivery.status == WebhookDelivery.Status.IGNORED
    assert Person.objects.count() == 0
    (warning,) = entries()
    assert warning.level == LogEntry.Level.WARNING
    assert "not marked Hired" in warning.message and warning.delivery == delivery


def test_archived_for_a_non_hired_reason_is_ignored(hire, lever, bob, company, new_starter_process):
    lever.opportunity("hired")
    lever.archive_reason("non_hired")
    assert hire().status == WebhookDelivery.Status.IGNORED
    assert "“Withdrew”, which is not a hired reason" in entries()[0].message
    assert Person.objects.count() == 0


def test_legacy_archived_shape_is_a_hire(hire, lever, bob, company, new_starter_process):
    lever.hired("legacy_archived")
    assert hire().status == WebhookDelivery.Status.PROCESSED
    assert Person.objects.get().full_name == "Kwame Mensah"


def test_no_name_fails_with_an_error(hire, lever, bob, company, new_starter_process):
    lever.hired("one_word_name")
    lever.mock.replace(
        "GET",
        lever.calls_url("opportunities"),
        json={"data": fixture("opportunity__hired")["data"] | {"name": ""}},
    )
    delivery = hire()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "no name" in entries(LogEntry.Level.ERROR)[0].message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"is_enabled": False}, "is disabled"),
        ({"status": IntegrationConfig.Status.NOT_AUTHORISED}, "not authorised"),
        ({"status": IntegrationConfig.Status.REVOKED}, "access to Lever was revoked"),
    ],
)
def test_config_must_be_enabled_and_authorised(config, lever, change, expected):
    delivery = WebhookDelivery.objects.create(
        config=config,
        event="candidateHired",
        token="t-1",
        triggered_at=timezone.now(),
        payload={},
        opportunity_id="opp-1",
    )
    IntegrationConfig.objects.filter(pk=config.pk).update(**change)
    assert hiring.process_delivery(delivery.pk) == hiring.Outcome.FAILED
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    (entry,) = entries()
    assert entry.level == LogEntry.Level.ERROR and expected in entry.message
    assert len(lever.mock.calls) == 0  # Lever is not asked


def test_missing_opportunity_id_fails(config):
    delivery = WebhookDelivery.objects.create(
        config=config, event="candidateHired", token="t", triggered_at=timezone.now(), payload={}
    )
    assert hiring.process_delivery(delivery.pk) == hiring.Outcome.FAILED
    assert "without an opportunity id" in entries()[0].message


def test_a_delivery_is_claimed_once(config):
    delivery = WebhookDelivery.objects.create(
        config=config, event="other", token="t", triggered_at=timezone.now(), payload={}
    )
    assert hiring.claim(delivery.pk) is not None
    assert hiring.claim(delivery.pk) is None
    assert hiring.process_delivery(delivery.pk) == hiring.Outcome.NOT_CLAIMED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.PROCESSING, 1)


def test_unexpected_error_fails_with_an_entry(
    hire, lever, bob, company, new_starter_process, monkeypatch
):
    lever.hired()

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(hiring, "start_new_hire", broken)
    delivery = hire()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "unexpected error" in entries(LogEntry.Level.ERROR)[0].message


def test_retry_delay_doubles_with_jitter_and_is_capped(settings):
    settings.LEVER_RETRY_BASE_SECONDS = 30
    assert 30 <= hiring.retry_delay_seconds(1) <= 37.5
    assert 60 <= hiring.retry_delay_seconds(2) <= 75
    assert hiring.retry_delay_seconds(20) == 3600
    assert hiring.retry_delay_seconds(1, retry_after_seconds=7) == 7
    assert hiring.retry_delay_seconds(1, retry_after_seconds=99999) == 3600


def test_a_database_error_is_retried_later(
    hire, lever, bob, company, new_starter_process, monkeypatch
):
    from django.db import OperationalError

    lever.hired()

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(hiring, "start_new_hire", locked)
    delivery = hire()
    assert delivery.status == WebhookDelivery.Status.RECEIVED
    assert delivery.next_attempt_at > timezone.now()
    assert "database is locked" in delivery.last_error
    assert Person.objects.count() == 0
