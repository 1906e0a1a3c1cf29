import datetime

import pytest
from django.utils import timezone

from hr.models import Company, EmploymentDetails, Person, Process, Task
from hr.services.hires import NewHire, Skipped, choose_new_starter_process, start_new_hire


def new_hire(**overrides):
    values = dict(
        person_code="LEV-ABC",
        employment_id="LEV-ABC",
        first_name="Ada",
        surname="Lovelace",
        known_as="Ada",
        full_name="Ada Lovelace",
        legal_name="Ada Lovelace",
        mobile_number="+44 7700 900000",
        external_email="ada@example.com",
        lever_contact_id="contact-1",
        lever_opportunity_id="opp-1",
    )
    return NewHire(**(values | overrides))


@pytest.mark.django_db
def test_creates_person_employment_and_task(bob, company, new_starter_process, gender_unknown):
    result = start_new_hire(new_hire(), company=company, administrator=bob)
    person = result.person
    assert result.person_created and result.employment_created and result.task_created
    assert result.is_complete
    assert (person.person_code, person.gender, person.date_of_birth) == (
        "LEV-ABC",
        gender_unknown,
        timezone.localdate(),
    )
    employment = result.employment
    assert (employment.company, employment.employment_id, employment.termination_date) == (
        company,
        "LEV-ABC",
        None,
    )
    assert employment.hire_date == timezone.localdate()
    assert (result.task.process, result.task.assigned_to) == (new_starter_process, bob)
    assert result.task.is_new_starter and result.task.status == Task.Status.OPEN


@pytest.mark.django_db
def test_second_call_finds_everything_and_creates_nothing(bob, company, new_starter_process):
    first = start_new_hire(new_hire(), company=company, administrator=bob)
    second = start_new_hire(new_hire(), company=company, administrator=bob)
    assert not second.created_anything
    assert (second.person, second.employment, second.task) == (
        first.person,
        first.employment,
        first.task,
    )
    assert (Person.objects.count(), EmploymentDetails.objects.count(), Task.objects.count()) == (
        1,
        1,
        1,
    )


@pytest.mark.django_db
def test_existing_person_only_gets_empty_fields_filled(
    bob, company, new_starter_process, gender_unknown
):
    person = Person.objects.create(
        person_code="LEV-ABC",
        first_name="Augusta Ada",
        surname="King",
        gender=gender_unknown,
        date_of_birth=datetime.date(1815, 12, 10),
    )
    result = start_new_hire(new_hire(), company=company, administrator=bob)
    person.refresh_from_db()
    assert not result.person_created and result.person == person
    assert (person.first_name, person.surname) == ("Augusta Ada", "King")
    assert person.date_of_birth == datetime.date(1815, 12, 10)
    assert person.mobile_number == "+44 7700 900000"
    assert person.lever_contact_id == "contact-1"
    assert "mobile_number" in result.filled_fields and "first_name" not in result.filled_fields


@pytest.mark.django_db
def test_found_by_contact_before_person_code(bob, company, new_starter_process, gender_unknown):
    person = Person.objects.create(
        person_code="HR-0001",
        first_name="Ada",
        surname="Lovelace",
        lever_contact_id="contact-1",
        gender=gender_unknown,
        date_of_birth=datetime.date(1990, 1, 1),
    )
    assert start_new_hire(new_hire(), company=company, administrator=bob).person == person


@pytest.mark.django_db
def test_terminated_employment_gets_a_new_one_current_one_is_kept(
    bob, company, new_starter_process
):
    result = start_new_hire(new_hire(), company=company, administrator=bob)
    result.employment.termination_date = timezone.localdate() - datetime.timedelta(days=1)
    result.employment.hire_date = timezone.localdate() - datetime.timedelta(days=100)
    result.employment.save()
    again = start_new_hire(new_hire(), company=company, administrator=bob)
    assert again.employment_created and again.employment != result.employment


@pytest.mark.django_db
def test_company_missing_or_inactive(bob, company, new_starter_process):
    missing = start_new_hire(new_hire(), company=None, administrator=bob)
    assert (missing.employment, missing.employment_skipped) == (None, Skipped.COMPANY_MISSING)
    assert missing.task_created  # the task does not depend on the company
    company.is_active = False
    company.save()
    inactive = start_new_hire(new_hire(), company=company, administrator=bob)
    assert inactive.employment_skipped == Skipped.COMPANY_INACTIVE
    gone = Company(pk=999, code="GONE", name="Deleted")
    assert start_new_hire(new_hire(), company=gone, administrator=bob).employment_skipped == (
        Skipped.COMPANY_MISSING
    )
    assert EmploymentDetails.objects.count() == 0


@pytest.mark.django_db
def test_process_choice_latest_with_absences_then_without():
    assert choose_new_starter_process() is None
    without = Process.objects.create(name="W/o", kind=Process.Kind.NEW_STARTER_WITHOUT_ABSENCES)
    Process.objects.create(name="Other", kind=Process.Kind.OTHER)
    assert choose_new_starter_process() == without
    older = Process.objects.create(name="With 1", kind=Process.Kind.NEW_STARTER_WITH_ABSENCES)
    newer = Process.objects.create(name="With 2", kind=Process.Kind.NEW_STARTER_WITH_ABSENCES)
    Process.objects.create(
        name="With 3", kind=Process.Kind.NEW_STARTER_WITH_ABSENCES, is_active=False
    )
    Process.objects.filter(pk=older.pk).update(created_at=newer.created_at - datetime.timedelta(1))
    assert choose_new_starter_process() == newer


@pytest.mark.django_db
def test_no_process_no_task(bob, company):
    result = start_new_hire(new_hire(), company=company, administrator=bob)
    assert (result.task, result.task_skipped) == (None, Skipped.NO_NEW_STARTER_PROCESS)
    assert result.employment_created


@pytest.mark.django_db
def test_administrator_must_be_an_active_hr_professional(bob, carol, company, new_starter_process):
    assert start_new_hire(new_hire(), company=company, administrator=None).task_skipped == (
        Skipped.ADMINISTRATOR_MISSING
    )
    assert start_new_hire(new_hire(), company=company, administrator=carol).task_skipped == (
        Skipped.ADMINISTRATOR_NOT_HR_PROFESSIONAL
    )
    bob.is_active = False
    bob.save()
    assert start_new_hire(new_hire(), company=company, administrator=bob).task_skipped == (
        Skipped.ADMINISTRATOR_INACTIVE
    )
    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_completed_task_is_not_an_open_one(bob, company, new_starter_process):
    first = start_new_hire(new_hire(), company=company, administrator=bob)
    first.task.status = Task.Status.COMPLETED
    first.task.save()
    assert start_new_hire(new_hire(), company=company, administrator=bob).task_created
