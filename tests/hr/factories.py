"""Small builders for HR records used by several test modules."""

import datetime

from hr.models import EmploymentDetails, Person, Task


def make_person(gender, code="LEV-42", first_name="Grace", surname="Hopper", **fields):
    return Person.objects.create(
        person_code=code,
        first_name=first_name,
        surname=surname,
        full_name=f"{first_name} {surname}",
        gender=gender,
        date_of_birth=datetime.date(1990, 1, 1),
        **fields,
    )


def make_employment(person, company, **fields):
    fields.setdefault("employment_id", person.person_code)
    fields.setdefault("hire_date", datetime.date.today())
    return EmploymentDetails.objects.create(person=person, company=company, **fields)


def make_task(process, person, assigned_to):
    return Task.objects.create(process=process, person=person, assigned_to=assigned_to)
