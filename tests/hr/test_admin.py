"""The HR admin screens an HR team uses every day."""

import datetime

import pytest
from django.urls import reverse

from hr.models import Company, EmploymentDetails, Person, Process, Task


@pytest.fixture
def person(gender_unknown, company, new_starter_process, bob):
    person = Person.objects.create(
        person_code="LEV-42",
        first_name="Grace",
        surname="Hopper",
        full_name="Grace Hopper",
        gender=gender_unknown,
        date_of_birth=datetime.date(1990, 1, 1),
        external_email="grace@example.com",
    )
    EmploymentDetails.objects.create(
        person=person, company=company, employment_id="LEV-42", hire_date=datetime.date.today()
    )
    Task.objects.create(process=new_starter_process, person=person, assigned_to=bob)
    return person


@pytest.mark.django_db
def test_person_page_shows_employment_and_tasks_inline(client, alice, person):
    client.force_login(alice)
    response = client.get(reverse("admin:hr_person_change", args=[person.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "ACME-UK" in content  # the employment's company
    assert "Enter a New Starter" in content  # the task's process


@pytest.mark.django_db
def test_employment_list_names_the_person_once(client, alice, person):
    client.force_login(alice)
    response = client.get(reverse("admin:hr_employmentdetails_changelist"))
    content = response.content.decode()
    # The employment id already is the person code: not repeated beside the name.
    assert '<td class="field-person_name">Grace Hopper</td>' in content
    assert "ACME-UK" in content


@pytest.mark.django_db
def test_person_search_by_email(client, alice, person):
    client.force_login(alice)
    response = client.get(reverse("admin:hr_person_changelist"), {"q": "grace@example"})
    assert response.status_code == 200
    assert "LEV-42" in response.content.decode()


@pytest.mark.django_db
def test_bulk_deactivate_companies(client, alice, company):
    other = Company.objects.create(code="OTHER", name="Other")
    client.force_login(alice)
    response = client.post(
        reverse("admin:hr_company_changelist"),
        {"action": "deactivate_selected", "_selected_action": [company.pk, other.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "2 companies deactivated." in response.content.decode()
    assert not Company.objects.filter(is_active=True).exists()


@pytest.mark.django_db
def test_bulk_activate_processes(client, alice, new_starter_process):
    new_starter_process.is_active = False
    new_starter_process.save()
    client.force_login(alice)
    client.post(
        reverse("admin:hr_process_changelist"),
        {"action": "activate_selected", "_selected_action": [new_starter_process.pk]},
    )
    assert Process.objects.get(pk=new_starter_process.pk).is_active


@pytest.mark.django_db
def test_hr_professional_reads_people_but_staff_without_role_cannot(client, bob, carol, person):
    client.force_login(bob)
    assert client.get(reverse("admin:hr_person_changelist")).status_code == 200
    client.force_login(carol)
    assert client.get(reverse("admin:hr_person_changelist")).status_code == 403


@pytest.mark.django_db
def test_company_autocomplete_for_employment(client, alice, company):
    client.force_login(alice)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "hr",
            "model_name": "employmentdetails",
            "field_name": "company",
            "term": "acme",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["id"] == str(company.pk)
