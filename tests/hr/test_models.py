"""The HR domain's data rules, enforced by the database so no code path can break them."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from hr.models import EmploymentDetails, Gender, Person, Process, Task


def make_person(gender, **fields):
    defaults = {
        "person_code": "LEV-1",
        "first_name": "Ada",
        "surname": "Lovelace",
        "gender": gender,
        "date_of_birth": datetime.date(1990, 1, 1),
    }
    return Person.objects.create(**{**defaults, **fields})


@pytest.mark.django_db
def test_data_migration_creates_the_gender_picklist():
    assert dict(Gender.objects.values_list("code", "name")) == {
        "U": "Not Known",
        "F": "Female",
        "M": "Male",
    }


@pytest.mark.django_db
def test_lever_contact_id_is_unique_when_set(gender_unknown):
    make_person(gender_unknown, person_code="A", lever_contact_id="")
    make_person(gender_unknown, person_code="B", lever_contact_id="")  # blank may repeat
    make_person(gender_unknown, person_code="C", lever_contact_id="contact-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_person(gender_unknown, person_code="D", lever_contact_id="contact-1")


@pytest.mark.django_db
def test_one_open_employment_per_person(gender_unknown, company):
    person = make_person(gender_unknown)
    today = datetime.date.today()
    EmploymentDetails.objects.create(
        person=person, company=company, employment_id="LEV-1", hire_date=today
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        EmploymentDetails.objects.create(
            person=person, company=company, employment_id="LEV-1", hire_date=today
        )


@pytest.mark.django_db
def test_termination_cannot_precede_hire(gender_unknown, company):
    person = make_person(gender_unknown)
    with pytest.raises(IntegrityError), transaction.atomic():
        EmploymentDetails.objects.create(
            person=person,
            company=company,
            employment_id="X",
            hire_date=datetime.date(2026, 5, 1),
            termination_date=datetime.date(2026, 4, 1),
        )


@pytest.mark.django_db
def test_one_open_new_starter_task_per_person(gender_unknown, new_starter_process, bob):
    person = make_person(gender_unknown)
    without = Process.objects.create(name="Without", kind=Process.Kind.NEW_STARTER_WITHOUT_ABSENCES)
    other = Process.objects.create(name="Other", kind=Process.Kind.OTHER)
    first = Task.objects.create(process=new_starter_process, person=person, assigned_to=bob)
    assert first.is_new_starter
    Task.objects.create(process=other, person=person, assigned_to=bob)  # other kinds are free
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(process=without, person=person, assigned_to=bob)
    first.status = Task.Status.COMPLETED
    first.save()
    Task.objects.create(process=without, person=person, assigned_to=bob)  # after completion: ok
