"""The HR endpoints: people, employment details, companies, processes, tasks."""

import datetime

import pytest
from django.core import mail

from hr.models import Company, EmploymentDetails, Person, Process, Task, TaskEvent
from tests.api.conftest import API
from tests.hr.factories import make_employment, make_person, make_task


@pytest.fixture
def person(gender_unknown):
    return make_person(gender_unknown, external_email="grace@example.com", lever_contact_id="c-1")


def person_body(gender_unknown, **fields):
    body = {
        "person_code": "LEV-100",
        "first_name": "Ada",
        "surname": "Lovelace",
        "gender": gender_unknown.pk,
        "date_of_birth": "1990-12-10",
    }
    body.update(fields)
    return body


# --- people -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_person_json_uses_model_field_names(api_as, alice, person, gender_unknown):
    response = api_as(alice).get(f"{API}people/{person.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["person_code"] == "LEV-42"
    assert body["gender"] == gender_unknown.pk  # foreign keys are ids
    assert body["lever_contact_id"] == "c-1"
    assert {"full_name", "external_email", "created_at", "updated_at"} <= set(body)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"person_code": "LEV-42"}, ["LEV-42"]),
        ({"external_email": "ada@example.com"}, ["LEV-43"]),
        ({"lever_contact_id": "c-1"}, ["LEV-42"]),
        ({"lever_contact_id": "nobody"}, []),
    ],
)
def test_people_filters(api_as, alice, person, gender_unknown, query, expected):
    make_person(gender_unknown, "LEV-43", "Ada", "Lovelace", external_email="ada@example.com")
    response = api_as(alice).get(f"{API}people/", query)
    assert [p["person_code"] for p in response.json()["results"]] == expected


@pytest.mark.django_db
def test_people_are_paginated(api_as, alice, gender_unknown):
    Person.objects.bulk_create(
        Person(
            person_code=f"P-{n}",
            first_name="A",
            surname=f"Person{n:02}",
            gender=gender_unknown,
            date_of_birth=datetime.date(1990, 1, 1),
        )
        for n in range(51)
    )
    first = api_as(alice).get(f"{API}people/").json()
    assert first["count"] == 51 and len(first["results"]) == 50
    assert first["next"].endswith("?page=2")
    second = api_as(alice).get(first["next"]).json()
    assert [p["person_code"] for p in second["results"]] == ["P-50"]
    assert api_as(alice).get(f"{API}people/", {"page": 9}).status_code == 404


@pytest.mark.django_db
def test_hr_professional_creates_and_corrects_a_person(api_as, bob, gender_unknown):
    client = api_as(bob)
    response = client.post(f"{API}people/", person_body(gender_unknown), format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    response = client.patch(f"{API}people/{pk}/", {"mobile_number": "07700 900123"}, format="json")
    assert response.status_code == 200
    assert Person.objects.get(pk=pk).mobile_number == "07700 900123"
    # deleting is not part of the role
    assert client.delete(f"{API}people/{pk}/").status_code == 403


@pytest.mark.django_db
def test_person_validation_errors_are_400_with_field_messages(
    api_as, alice, person, gender_unknown
):
    response = api_as(alice).post(
        f"{API}people/",
        person_body(
            gender_unknown,
            person_code="LEV-42",  # taken
            lever_contact_id="c-1",  # taken
            external_email="nope",
            date_of_birth="31/12/1990",
            gender=999999,
        ),
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {
        "person_code",
        "lever_contact_id",
        "external_email",
        "date_of_birth",
        "gender",
    }


@pytest.mark.django_db
def test_empty_lever_contact_id_is_not_unique(api_as, alice, person, gender_unknown):
    client = api_as(alice)
    for code in ("A-1", "A-2"):
        body = person_body(gender_unknown, person_code=code, lever_contact_id="")
        assert client.post(f"{API}people/", body, format="json").status_code == 201


@pytest.mark.django_db
def test_null_character_is_400_not_500(api_as, alice, gender_unknown):
    body = person_body(gender_unknown, first_name="A\x00B")
    assert api_as(alice).post(f"{API}people/", body, format="json").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("pk", ["999999", "abc", "99999999999999999999999"])
def test_unknown_ids_are_404(api_as, alice, pk):
    assert api_as(alice).get(f"{API}people/{pk}/").status_code == 404


@pytest.mark.django_db
def test_malformed_json_is_400(api_as, alice):
    response = api_as(alice).generic(
        "POST", f"{API}people/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400


# --- employment details -----------------------------------------------------------------


@pytest.mark.django_db
def test_employment_filter_by_person(api_as, bob, person, company, gender_unknown):
    make_employment(person, company)
    other = make_person(gender_unknown, "LEV-43", "Ada", "Lovelace")
    make_employment(other, company)
    response = api_as(bob).get(f"{API}employment-details/", {"person": person.pk})
    (only,) = response.json()["results"]
    assert (only["person"], only["company"]) == (person.pk, company.pk)
    assert only["termination_date"] is None


@pytest.mark.django_db
def test_employment_rules(api_as, bob, person, company):
    client = api_as(bob)
    closed = Company.objects.create(code="OLD", name="Old Co", is_active=False)
    body = {
        "person": person.pk,
        "company": closed.pk,
        "employment_id": "E-1",
        "hire_date": "2026-01-05",
    }
    response = client.post(f"{API}employment-details/", body, format="json")
    assert response.status_code == 400
    assert "inactive" in response.json()["company"][0]

    body["company"] = company.pk
    body["termination_date"] = "2025-01-01"
    response = client.post(f"{API}employment-details/", body, format="json")
    assert response.status_code == 400
    assert "termination_date" in response.json()

    del body["termination_date"]
    assert client.post(f"{API}employment-details/", body, format="json").status_code == 201
    # a second open-ended employment for the same person is refused, not a database error
    response = client.post(f"{API}employment-details/", body, format="json")
    assert response.status_code == 400
    assert EmploymentDetails.objects.filter(person=person).count() == 1


@pytest.mark.django_db
def test_past_employment_keeps_its_deactivated_company(api_as, alice, person, company):
    employment = make_employment(person, company)
    Company.objects.filter(pk=company.pk).update(is_active=False)
    response = api_as(alice).patch(
        f"{API}employment-details/{employment.pk}/",
        {"termination_date": datetime.date.today().isoformat(), "company": company.pk},
        format="json",
    )
    assert response.status_code == 200, response.json()


# --- companies and processes ------------------------------------------------------------


@pytest.mark.django_db
def test_company_in_use_cannot_be_deleted(api_as, alice, person, company):
    make_employment(person, company)
    response = api_as(alice).delete(f"{API}companies/{company.pk}/")
    assert response.status_code == 409
    assert "Deactivate it instead" in response.json()["detail"]
    unused = Company.objects.create(code="FREE", name="Free")
    assert api_as(alice).delete(f"{API}companies/{unused.pk}/").status_code == 204


@pytest.mark.django_db
def test_process_with_tasks_cannot_be_deleted(api_as, alice, person, bob, new_starter_process):
    make_task(new_starter_process, person, bob)
    response = api_as(alice).delete(f"{API}processes/{new_starter_process.pk}/")
    assert response.status_code == 409


@pytest.mark.django_db
def test_process_kind_is_validated(api_as, alice):
    response = api_as(alice).post(f"{API}processes/", {"name": "P", "kind": "x"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()
    response = api_as(alice).post(
        f"{API}processes/", {"name": "P", "kind": "new_starter_with_absences"}, format="json"
    )
    assert response.status_code == 201
    assert Process.objects.get(pk=response.json()["id"]).is_new_starter


# --- tasks ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_task_filters(api_as, bob, alice, person, new_starter_process, gender_unknown):
    mine = make_task(new_starter_process, person, bob)
    other = make_task(new_starter_process, make_person(gender_unknown, "LEV-9", "X", "Y"), None)
    Task.objects.filter(pk=other.pk).update(status=Task.Status.COMPLETED)
    client = api_as(bob)

    def ids(query):
        return [t["id"] for t in client.get(f"{API}tasks/", query).json()["results"]]

    assert ids({"assigned_to": bob.pk}) == [mine.pk]
    assert ids({"person": person.pk}) == [mine.pk]
    assert ids({"status": "completed"}) == [other.pk]
    assert client.get(f"{API}tasks/", {"status": "nonsense"}).status_code == 400


@pytest.mark.django_db
def test_create_task_notifies_and_refuses_a_second_new_starter(
    api_as, alice, bob, carol, person, new_starter_process, django_capture_on_commit_callbacks
):
    client = api_as(alice)
    body = {"process": new_starter_process.pk, "person": person.pk, "assigned_to": bob.pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{API}tasks/", body, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "open"
    assert response.json()["is_new_starter"] is True
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]

    response = client.post(f"{API}tasks/", body, format="json")
    assert response.status_code == 400
    assert "already has an open New Starter task" in response.json()["person"][0]

    body["assigned_to"] = carol.pk
    response = client.post(f"{API}tasks/", body, format="json")
    assert response.status_code == 400 and "assigned_to" in response.json()


@pytest.mark.django_db
def test_tasks_are_not_edited_field_by_field(api_as, alice, person, bob, new_starter_process):
    task = make_task(new_starter_process, person, bob)
    response = api_as(alice).patch(f"{API}tasks/{task.pk}/", {"status": "completed"})
    assert response.status_code == 405


@pytest.mark.django_db
def test_complete_action(api_as, bob, person, company, new_starter_process):
    task = make_task(new_starter_process, person, bob)
    url = f"{API}tasks/{task.pk}/complete/"
    response = api_as(bob).post(url)
    assert response.status_code == 409
    assert "has no Employment Details" in response.json()["detail"]
    make_employment(person, company)
    response = api_as(bob).post(url)
    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.status, task.completed_by) == ("completed", bob)


@pytest.mark.django_db
def test_complete_action_permissions(api_as, bob, carol, alice, person, company, gender_unknown):
    process = Process.objects.create(name="NS", kind=Process.Kind.NEW_STARTER_WITH_ABSENCES)
    make_employment(person, company)
    task = make_task(process, person, alice)  # someone else's task, as far as bob is concerned
    url = f"{API}tasks/{task.pk}/complete/"
    assert api_as(None).post(url).status_code == 401
    assert api_as(carol).post(url).status_code == 403
    response = api_as(bob).post(url)
    assert response.status_code == 403
    assert "Only they or an integration manager" in response.json()["detail"]
    assert api_as(alice).post(url).status_code == 200
    assert api_as(bob).post(f"{API}tasks/999999/complete/").status_code == 404


@pytest.mark.django_db
def test_reassign_action(
    api_as, bob, alice, carol, person, new_starter_process, django_capture_on_commit_callbacks
):
    task = make_task(new_starter_process, person, bob)
    url = f"{API}tasks/{task.pk}/reassign/"
    response = api_as(bob).post(url, {"assigned_to": carol.pk}, format="json")
    assert response.status_code == 409
    assert api_as(bob).post(url, {"assigned_to": 999999}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(bob).post(url, {"assigned_to": alice.pk}, format="json")
    # alice is a superuser but not an HR Professional
    assert response.status_code == 409
    alice.groups.add(bob.groups.get())
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(bob).post(url, {"assigned_to": alice.pk}, format="json")
    assert response.status_code == 200
    assert Task.objects.get(pk=task.pk).assigned_to == alice
    assert TaskEvent.objects.get(task=task).kind == "reassigned"
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
