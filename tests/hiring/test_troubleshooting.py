"""Each Troubleshooting case of the help article (and each Lever failure): the partial result,
the error entry telling HR what to fix, and recovery by re-triggering in Lever (a new webhook)
or by Retry, without duplicating anything."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from hr.models import Company, EmploymentDetails, Person, Process, Task
from integrations import hiring
from integrations.models import IntegrationConfig, LogEntry, WebhookDelivery

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status


def errors():
    return list(LogEntry.objects.filter(level=LogEntry.Level.ERROR).order_by("id"))


def counts():
    return (
        Person.objects.count(),
        EmploymentDetails.objects.count(),
        Task.objects.filter(status=Task.Status.OPEN).count(),
    )


def retry(delivery, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert hiring.retry_delivery(delivery, requested_by=user)
        hiring.process_delivery(delivery.pk)
    delivery.refresh_from_db()
    return delivery


@pytest.fixture
def ready(lever, bob, company, new_starter_process):
    lever.hired()


def assert_task_missing_then_retriggered(hire, fix, fragment):
    delivery = hire()
    assert delivery.status == Status.FAILED
    assert counts() == (1, 1, 0)  # person and employment exist, the task does not
    (entry,) = errors()
    assert fragment in entry.message and "Retry" in entry.message
    assert entry.person == Person.objects.get() and entry.delivery == delivery
    assert mail.outbox == []
    fix()
    again = hire()  # moved to another stage in Lever and back to Hired: a new token
    assert again.status == Status.PROCESSED
    assert counts() == (1, 1, 1)
    assert len(mail.outbox) == 1
    assert "New Hire Process started" in LogEntry.objects.order_by("id").last().message


def test_administrator_inactive(hire, ready, bob, config):
    bob.is_active = False
    bob.save()

    def fix():
        bob.is_active = True
        bob.save()

    assert_task_missing_then_retriggered(hire, fix, "Bob Brown is no longer active")


def test_administrator_deleted(hire, ready, bob, config, django_user_model, hr_professional_group):
    bob.delete()  # the config's New Hire Administrator becomes empty (SET_NULL)

    def fix():
        erin = django_user_model.objects.create_user("erin", "erin@example.com", "pw")
        erin.groups.add(hr_professional_group)
        IntegrationConfig.objects.filter(pk=config.pk).update(new_hire_administrator=erin)

    assert_task_missing_then_retriggered(hire, fix, "has no New Hire Administrator")


def test_administrator_not_hr_professional(hire, ready, bob, config, hr_professional_group):
    bob.groups.remove(hr_professional_group)
    assert_task_missing_then_retriggered(
        hire, lambda: bob.groups.add(hr_professional_group), "is not an HR Professional"
    )


def test_no_active_new_starter_process(
    hire, ready, new_starter_process, bob, django_capture_on_commit_callbacks
):
    Process.objects.update(is_active=False)
    delivery = hire()
    assert delivery.status == Status.FAILED
    assert counts() == (1, 1, 0)
    (entry,) = errors()
    assert "no New Starter process is active" in entry.message
    Process.objects.create(name="Starters", kind=Process.Kind.NEW_STARTER_WITHOUT_ABSENCES)
    delivery = retry(delivery, bob, django_capture_on_commit_callbacks)  # Retry, no Lever trip
    assert delivery.status == Status.PROCESSED
    assert counts() == (1, 1, 1)
    assert Task.objects.get().process.name == "Starters"


def assert_employment_missing_then_retried(hire, config, fix, fragment, user, callbacks):
    delivery = hire()
    assert delivery.status == Status.FAILED
    assert counts() == (1, 0, 1)  # the task was created; the employment was not
    (entry,) = errors()
    assert fragment in entry.message
    assert "Add the employment details in the New Starter process" in entry.message
    assert "Details screen" in entry.message
    fix()
    delivery = retry(delivery, user, callbacks)
    assert delivery.status == Status.PROCESSED
    assert counts() == (1, 1, 1)
    assert EmploymentDetails.objects.get().company.is_active


def test_company_inactive(hire, ready, config, company, alice, django_capture_on_commit_callbacks):
    company.is_active = False
    company.save()
    other = Company.objects.create(code="ACME-IE", name="Acme Ireland")

    def fix():
        IntegrationConfig.objects.filter(pk=config.pk).update(default_company=other)

    assert_employment_missing_then_retried(
        hire,
        config,
        fix,
        "ACME-UK (Acme UK Ltd) is inactive",
        alice,
        django_capture_on_commit_callbacks,
    )
    assert EmploymentDetails.objects.get().company == other


def test_company_deleted(hire, ready, config, company, alice, django_capture_on_commit_callbacks):
    company.delete()  # the config's default company becomes empty (SET_NULL)

    def fix():
        company = Company.objects.create(code="ACME-NEW", name="Acme")
        IntegrationConfig.objects.filter(pk=config.pk).update(default_company=company)

    assert_employment_missing_then_retried(
        hire, config, fix, "has no default company", alice, django_capture_on_commit_callbacks
    )


def test_access_revoked(
    hire,
    lever,
    bob,
    company,
    new_starter_process,
    config,
    alice,
    django_capture_on_commit_callbacks,
):
    lever.opportunity("error__unauthorised", status=401)
    lever.mock.post(
        f"{settings.LEVER_AUTH_URL}/oauth/token",
        json={"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."},
        status=403,
    )
    delivery = hire()
    assert delivery.status == Status.FAILED
    assert counts() == (0, 0, 0)
    config.refresh_from_db()
    assert config.status == IntegrationConfig.Status.REVOKED
    mine = [e for e in errors() if e.delivery == delivery]
    assert len(mine) == 1 and "authorise the integration again" in mine[0].message
    # The administrator re-authorises; Retry then finishes the hire.
    config.refresh_from_db()
    config.status = IntegrationConfig.Status.AUTHORISED
    config.access_token, config.refresh_token = "new-access-token", "new-refresh-token"
    config.token_expires_at = timezone.now() + datetime.timedelta(hours=1)
    config.save()
    lever.mock.reset()
    lever.hired()
    assert retry(delivery, alice, django_capture_on_commit_callbacks).status == Status.PROCESSED
    assert counts() == (1, 1, 1)


def test_lever_404(hire, lever, bob, company, new_starter_process, config):
    lever.opportunity("error__not_found", status=404)
    delivery = hire()
    assert delivery.status == Status.FAILED
    assert delivery.attempts == 1  # not retried: it will not appear by waiting
    assert counts() == (0, 0, 0)
    (entry,) = errors()
    assert "Lever has no" in entry.message and "back to Hired" in entry.message
    lever.mock.reset()
    lever.hired()
    assert hire().status == Status.PROCESSED  # the candidate was restored and re-triggered
    assert counts() == (1, 1, 1)


def test_lever_5xx_is_retried_with_backoff_then_fails(
    hire,
    lever,
    bob,
    company,
    new_starter_process,
    config,
    alice,
    django_capture_on_commit_callbacks,
):
    from django_tasks_db.models import DBTaskResult

    lever.opportunity("error__unavailable", status=503)
    delivery = hire()
    assert delivery.status == Status.RECEIVED  # scheduled again, not failed
    assert delivery.attempts == 1
    delay = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 25 < delay <= 37.5
    deferred = DBTaskResult.objects.filter(task_path="integrations.tasks.process_delivery")
    assert deferred.filter(run_after=delivery.next_attempt_at).count() == 1
    (warning,) = LogEntry.objects.filter(level=LogEntry.Level.WARNING)
    assert "tried again automatically" in warning.message
    # Not due yet: an early task does nothing.
    assert hiring.process_delivery(delivery.pk) == hiring.Outcome.NOT_CLAIMED
    for attempt in range(2, hiring.MAX_ATTEMPTS + 1):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            outcome = hiring.process_delivery(delivery.pk)
        expected = (
            hiring.Outcome.FAILED
            if attempt == hiring.MAX_ATTEMPTS
            else (hiring.Outcome.RETRY_SCHEDULED)
        )
        assert outcome == expected
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.FAILED, hiring.MAX_ATTEMPTS)
    (entry,) = errors()
    assert "after 8 attempts" in entry.message and "Retry" in entry.message
    assert LogEntry.objects.filter(level=LogEntry.Level.WARNING).count() == 1  # no noise
    assert counts() == (0, 0, 0)
    lever.mock.reset()
    lever.hired()
    assert retry(delivery, alice, django_capture_on_commit_callbacks).status == Status.PROCESSED
    assert counts() == (1, 1, 1)


def test_retry_after_from_lever_is_honoured(hire, lever, bob, company, new_starter_process):
    lever.opportunity("error__unavailable", status=429, headers={"Retry-After": "120"})
    delivery = hire()
    delay = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 110 < delay <= 120


def test_retry_is_refused_for_work_in_progress_or_done(hire, ready, alice):
    delivery = hire()
    assert delivery.status == Status.PROCESSED
    assert not hiring.retry_delivery(delivery, requested_by=alice)
    verify = WebhookDelivery.objects.create(
        config=delivery.config,
        event="candidateHired",
        token="verify",
        triggered_at=timezone.now(),
        payload={},
        status=Status.IGNORED,
    )
    assert not hiring.retry_delivery(verify)


def test_retry_of_a_complete_hire_duplicates_nothing(
    hire, ready, alice, django_capture_on_commit_callbacks
):
    delivery = hire()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=Status.FAILED)
    delivery.refresh_from_db()
    assert retry(delivery, alice, django_capture_on_commit_callbacks).status == Status.PROCESSED
    assert counts() == (1, 1, 1)
    assert "nothing was changed" in LogEntry.objects.order_by("id").last().message
    assert "alice asked to retry" in LogEntry.objects.order_by("id")[1].message
