"""The rules of the New Hire Administrator's work: complete, reassign, correct employment."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from hr.models import Company, EmploymentDetails, Task, TaskEvent
from hr.services.employment import current_employment, save_employment
from hr.services.tasks import complete_task, reassign_task
from tests.hr.factories import make_employment, make_person, make_task


@pytest.fixture
def person(gender_unknown):
    return make_person(gender_unknown)


@pytest.fixture
def task(new_starter_process, person, bob):
    return make_task(new_starter_process, person, bob)


@pytest.fixture
def erin(django_user_model, hr_professional_group):
    """A second HR Professional."""
    user = django_user_model.objects.create_user(
        "erin", "erin@example.com", "pw", first_name="Erin", last_name="Evans", is_staff=True
    )
    user.groups.add(hr_professional_group)
    return user


@pytest.mark.django_db
def test_completing_without_employment_says_what_is_missing(task, bob):
    outcome = complete_task(task, bob)
    assert not outcome.ok
    assert "Grace Hopper has no Employment Details" in outcome.message
    assert Task.objects.get(pk=task.pk).status == Task.Status.OPEN


@pytest.mark.django_db
def test_completing_with_employment_in_inactive_company_names_it(task, bob, person):
    closed = Company.objects.create(code="OLD", name="Old Co", is_active=False)
    make_employment(person, closed)
    outcome = complete_task(task, bob)
    assert not outcome.ok
    assert "OLD – Old Co, which is inactive" in outcome.message


@pytest.mark.django_db
def test_completing_with_employment_in_active_company(task, bob, person, company):
    make_employment(person, company)
    outcome = complete_task(task, bob)
    assert outcome.ok, outcome.message
    task.refresh_from_db()
    assert task.status == Task.Status.COMPLETED
    assert task.completed_by == bob
    assert task.completed_at is not None
    assert task.events.get().kind == TaskEvent.Kind.COMPLETED


@pytest.mark.django_db
def test_completed_task_cannot_be_completed_again(task, bob, person, company):
    make_employment(person, company)
    assert complete_task(task, bob).ok
    outcome = complete_task(task, bob)
    assert not outcome.ok and "already completed" in outcome.message
    assert not outcome.forbidden


@pytest.mark.django_db
def test_other_hr_professional_cannot_complete(task, erin, person, company):
    make_employment(person, company)
    outcome = complete_task(task, erin)
    assert not outcome.ok and outcome.forbidden
    assert "assigned to Bob Brown" in outcome.message


@pytest.mark.django_db
def test_hr_professional_who_manages_the_integration_can_complete(task, erin, person, company):
    erin.user_permissions.add(Permission.objects.get(codename="manage_lever_integration"))
    make_employment(person, company)
    assert complete_task(task, erin).ok


@pytest.mark.django_db
def test_superuser_can_complete_anyones_task(task, alice, person, company):
    make_employment(person, company)
    assert complete_task(task, alice).ok


@pytest.mark.django_db
def test_integration_manager_without_hr_permissions_cannot(task, dave, person, company):
    make_employment(person, company)
    assert complete_task(task, dave).forbidden


@pytest.mark.django_db
def test_reassign_logs_and_emails_the_new_assignee(
    task, bob, erin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = reassign_task(task, erin, bob)
    assert outcome.ok
    assert Task.objects.get(pk=task.pk).assigned_to == erin
    event = TaskEvent.objects.get(task=task)
    assert event.kind == TaskEvent.Kind.REASSIGNED
    assert (event.actor, event.from_user, event.to_user) == (bob, bob, erin)
    assert event.message == "Bob Brown reassigned the task from Bob Brown to Erin Evans."
    (message,) = mail.outbox
    assert message.to == ["erin@example.com"]


@pytest.mark.django_db
def test_reassign_only_to_active_hr_professionals(task, bob, carol, erin):
    outcome = reassign_task(task, carol, bob)
    assert not outcome.ok and "carol is not an active HR Professional" in outcome.message
    erin.is_active = False
    erin.save()
    assert not reassign_task(task, erin, bob).ok
    assert not reassign_task(task, bob, bob).ok  # already theirs
    assert Task.objects.get(pk=task.pk).assigned_to == bob
    assert not TaskEvent.objects.exists()


@pytest.mark.django_db
def test_someone_else_cannot_reassign(task, erin, alice):
    outcome = reassign_task(task, erin, erin)
    assert outcome.forbidden
    assert Task.objects.get(pk=task.pk).assigned_to_id != erin.pk


@pytest.mark.django_db
def test_save_employment_creates_then_corrects(person, company):
    first = save_employment(
        person, company=company, hire_date=datetime.date(2026, 1, 5), employment_id="E1"
    )
    assert first.created
    other = Company.objects.create(code="ACME-IE", name="Acme Ireland")
    second = save_employment(
        person, company=other, hire_date=datetime.date(2026, 2, 1), employment_id="E2"
    )
    assert not second.created
    (employment,) = EmploymentDetails.objects.filter(person=person)
    assert (employment.company, employment.employment_id) == (other, "E2")


@pytest.mark.django_db
def test_save_employment_refuses_inactive_company(person):
    closed = Company.objects.create(code="OLD", name="Old Co", is_active=False)
    with pytest.raises(ValueError, match="inactive"):
        save_employment(person, company=closed, hire_date=datetime.date.today(), employment_id="X")
    assert not person.employments.exists()


@pytest.mark.django_db
def test_ended_employment_is_not_current(person, company):
    make_employment(
        person,
        company,
        hire_date=datetime.date(2020, 1, 1),
        termination_date=datetime.date(2021, 1, 1),
    )
    assert current_employment(person) is None
