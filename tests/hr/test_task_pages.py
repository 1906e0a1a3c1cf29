"""The New Hire Administrator's pages: My tasks and the task page."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from hr.models import Company, EmploymentDetails, Task, TaskEvent
from tests.hr.factories import make_employment, make_person, make_task

MY_TASKS = reverse("hr:my-tasks")


@pytest.fixture
def person(gender_unknown):
    return make_person(gender_unknown, external_email="grace@example.com")


@pytest.fixture
def task(new_starter_process, person, bob):
    return make_task(new_starter_process, person, bob)


@pytest.fixture
def erin(django_user_model, hr_professional_group):
    user = django_user_model.objects.create_user(
        "erin", "erin@example.com", "pw", first_name="Erin", last_name="Evans", is_staff=True
    )
    user.groups.add(hr_professional_group)
    return user


def task_url(task):
    return reverse("hr:task-detail", args=[task.pk])


def details_post(person, company=None, **overrides):
    """The task page's form as a browser would submit it."""
    data = {
        "person-first_name": person.first_name,
        "person-middle_names": person.middle_names,
        "person-surname": person.surname,
        "person-known_as": person.known_as,
        "person-full_name": person.full_name,
        "person-legal_name": person.legal_name,
        "person-gender": person.gender_id,
        "person-date_of_birth": person.date_of_birth.isoformat(),
        "person-home_number": "",
        "person-work_number": "",
        "person-mobile_number": "",
        "person-other_number": "",
        "person-skype_name": "",
        "person-external_email": person.external_email,
        "employment-company": company.pk if company else "",
        "employment-hire_date": datetime.date.today().isoformat(),
        "employment-employment_id": person.person_code,
    }
    data.update(overrides)
    return data


# --- Who may see the pages ----------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_is_sent_to_admin_login(client, task):
    for url in (MY_TASKS, task_url(task)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_staff_without_permissions_is_refused(client, carol, task):
    client.force_login(carol)
    assert client.get(MY_TASKS).status_code == 403
    assert client.get(task_url(task)).status_code == 403
    assert client.post(task_url(task), details_post(task.person)).status_code == 403


@pytest.mark.django_db
def test_integration_manager_without_hr_permissions_is_refused(client, dave, task):
    client.force_login(dave)
    assert client.get(MY_TASKS).status_code == 403


@pytest.mark.django_db
def test_unknown_task_is_404(client, bob):
    client.force_login(bob)
    assert client.get(reverse("hr:task-detail", args=[999999])).status_code == 404


# --- My tasks ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_tasks_lists_my_open_tasks_newest_first(
    client, bob, erin, gender_unknown, new_starter_process, company
):
    older = make_task(new_starter_process, make_person(gender_unknown, "P-1", "Ada", "Old"), bob)
    newer = make_task(new_starter_process, make_person(gender_unknown, "P-2", "Bea", "New"), bob)
    make_task(new_starter_process, make_person(gender_unknown, "P-3", "Cy", "Erins"), erin)
    done = make_task(new_starter_process, make_person(gender_unknown, "P-4", "Di", "Done"), bob)
    Task.objects.filter(pk=done.pk).update(status=Task.Status.COMPLETED)
    Task.objects.filter(pk=older.pk).update(created_at=newer.created_at - datetime.timedelta(1))

    client.force_login(bob)
    response = client.get(MY_TASKS)
    assert response.status_code == 200
    assert list(response.context["tasks"]) == [newer, older]
    content = response.content.decode()
    assert "Bea New" in content and "Enter a New Starter" in content
    assert "Cy Erins" not in content and "Di Done" not in content
    assert 'id="user-tools"' in content  # the admin's frame
    assert f'href="{MY_TASKS}"' in content  # the user tools link

    everyone = client.get(MY_TASKS, {"show": "all"})
    assert "Cy Erins" in everyone.content.decode()


@pytest.mark.django_db
def test_my_tasks_empty(client, bob):
    client.force_login(bob)
    assert "You have no open tasks." in client.get(MY_TASKS).content.decode()


@pytest.mark.django_db
def test_admin_index_links_my_tasks_only_for_task_viewers(client, bob, carol):
    client.force_login(bob)
    assert f'href="{MY_TASKS}"' in client.get(reverse("admin:index")).content.decode()
    client.force_login(carol)
    assert f'href="{MY_TASKS}"' not in client.get(reverse("admin:index")).content.decode()


# --- The task page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_task_page_shows_details_and_forms(client, bob, task, company):
    client.force_login(bob)
    response = client.get(task_url(task))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Grace Hopper" in content and "grace@example.com" in content
    assert "has no Employment Details yet" in content
    assert "Save and complete task" in content
    assert "Reassign task" in content
    assert 'class="breadcrumbs"' in content


@pytest.mark.django_db
def test_company_choices_are_active_companies_only(client, bob, task, company):
    Company.objects.create(code="OLD", name="Old Co", is_active=False)
    client.force_login(bob)
    response = client.get(task_url(task))
    choices = list(response.context["employment_form"].fields["company"].queryset)
    assert choices == [company]


@pytest.mark.django_db
def test_save_corrects_person_and_adds_employment(client, bob, task, person, company):
    client.force_login(bob)
    response = client.post(
        task_url(task),
        details_post(
            person,
            company,
            **{"person-mobile_number": "+44 7700 900123", "employment-employment_id": "EMP-9"},
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == task_url(task)
    person.refresh_from_db()
    assert person.mobile_number == "+44 7700 900123"
    employment = EmploymentDetails.objects.get(person=person)
    assert (employment.company, employment.employment_id) == (company, "EMP-9")
    assert Task.objects.get(pk=task.pk).status == Task.Status.OPEN
    event = TaskEvent.objects.get(task=task)
    assert "personal and contact details and employment details" in event.message


@pytest.mark.django_db
def test_save_without_company_keeps_person_changes_only(client, bob, task, person):
    client.force_login(bob)
    response = client.post(task_url(task), details_post(person, **{"person-known_as": "Amazing"}))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.known_as == "Amazing"
    assert not person.employments.exists()


@pytest.mark.django_db
def test_invalid_input_shows_field_errors_and_saves_nothing(client, bob, task, person, company):
    client.force_login(bob)
    response = client.post(
        task_url(task),
        details_post(
            person,
            company,
            **{"person-external_email": "not-an-email", "person-mobile_number": "123"},
        ),
    )
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    person.refresh_from_db()
    assert person.mobile_number == ""
    assert not person.employments.exists()


@pytest.mark.django_db
def test_complete_without_company_says_what_is_missing(client, bob, task, person):
    client.force_login(bob)
    response = client.post(task_url(task), {**details_post(person), "_complete": "1"}, follow=True)
    content = response.content.decode()
    assert "The task was not completed: Grace Hopper has no Employment Details." in content
    assert Task.objects.get(pk=task.pk).status == Task.Status.OPEN


@pytest.mark.django_db
def test_complete_with_company_finishes_the_task(client, bob, task, person, company):
    client.force_login(bob)
    response = client.post(task_url(task), {**details_post(person, company), "_complete": "1"})
    assert response.status_code == 302
    assert response["Location"] == MY_TASKS
    task.refresh_from_db()
    assert (task.status, task.completed_by) == (Task.Status.COMPLETED, bob)
    assert task.completed_at is not None


@pytest.mark.django_db
def test_changing_an_inactive_company_to_an_active_one(client, bob, task, person, company):
    closed = Company.objects.create(code="OLD", name="Old Co", is_active=False)
    make_employment(person, closed)
    client.force_login(bob)
    page = client.get(task_url(task)).content.decode()
    assert "OLD – Old Co is inactive: choose an active company." in page
    client.post(task_url(task), {**details_post(person, company), "_complete": "1"})
    assert EmploymentDetails.objects.get(person=person).company == company
    assert Task.objects.get(pk=task.pk).status == Task.Status.COMPLETED


@pytest.mark.django_db
def test_posting_an_inactive_company_is_refused(client, bob, task, person):
    closed = Company.objects.create(code="OLD", name="Old Co", is_active=False)
    client.force_login(bob)
    response = client.post(task_url(task), details_post(person, closed))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not person.employments.exists()


@pytest.mark.django_db
def test_other_hr_professional_sees_but_cannot_change(client, erin, task, person, company):
    client.force_login(erin)
    response = client.get(task_url(task))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="read-only-notice"' in content
    assert "Save and complete task" not in content
    assert response.context["person_form"].fields["first_name"].disabled
    response = client.post(task_url(task), {**details_post(person, company), "_complete": "1"})
    assert response.status_code == 403
    assert Task.objects.get(pk=task.pk).status == Task.Status.OPEN
    assert not person.employments.exists()


@pytest.mark.django_db
def test_superuser_can_complete_someone_elses_task(client, alice, task, person, company):
    client.force_login(alice)
    client.post(task_url(task), {**details_post(person, company), "_complete": "1"})
    assert Task.objects.get(pk=task.pk).completed_by == alice


@pytest.mark.django_db
def test_completed_task_is_read_only(client, bob, task, person, company):
    make_employment(person, company)
    Task.objects.filter(pk=task.pk).update(status=Task.Status.COMPLETED)
    client.force_login(bob)
    content = client.get(task_url(task)).content.decode()
    assert "Completed" in content and "Save and complete task" not in content
    assert client.post(task_url(task), details_post(person, company)).status_code == 403


# --- Reassigning ------------------------------------------------------------------------


@pytest.mark.django_db
def test_reassign_from_the_page(client, bob, erin, task, django_capture_on_commit_callbacks):
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("hr:task-reassign", args=[task.pk]), {"assigned_to": erin.pk}, follow=True
        )
    assert "The task is now assigned to Erin Evans." in response.content.decode()
    # bob no longer owns it, so he lands on his list.
    assert response.redirect_chain[-1][0] == MY_TASKS
    assert Task.objects.get(pk=task.pk).assigned_to == erin
    assert TaskEvent.objects.get(task=task).kind == TaskEvent.Kind.REASSIGNED
    assert [m.to for m in mail.outbox] == [["erin@example.com"]]
    assert f"/hr/tasks/{task.pk}/" in mail.outbox[0].body

    client.force_login(erin)
    history = client.get(task_url(task)).content.decode()
    assert "Bob Brown reassigned the task from Bob Brown to Erin Evans." in history


@pytest.mark.django_db
def test_reassign_to_non_hr_user_is_refused(client, bob, carol, task):
    client.force_login(bob)
    response = client.post(
        reverse("hr:task-reassign", args=[task.pk]), {"assigned_to": carol.pk}, follow=True
    )
    assert "Choose an active HR Professional" in response.content.decode()
    assert Task.objects.get(pk=task.pk).assigned_to == bob


@pytest.mark.django_db
def test_reassign_by_someone_else_is_refused(client, erin, bob, task, hr_professional_group):
    client.force_login(erin)
    response = client.post(
        reverse("hr:task-reassign", args=[task.pk]), {"assigned_to": erin.pk}, follow=True
    )
    assert "Only they or an integration manager can change it." in response.content.decode()
    assert Task.objects.get(pk=task.pk).assigned_to == bob


@pytest.mark.django_db
def test_reassign_needs_post(client, bob, task):
    client.force_login(bob)
    assert client.get(reverse("hr:task-reassign", args=[task.pk])).status_code == 405


@pytest.mark.django_db
def test_task_history_is_readable_in_the_admin(client, bob, erin, task):
    from hr.services.tasks import reassign_task

    assert reassign_task(task, erin, bob).ok
    client.force_login(bob)  # an HR Professional, no longer the assignee
    response = client.get(reverse("admin:hr_task_change", args=[task.pk]))
    assert response.status_code == 200
    history = response.content.decode()
    assert "Bob Brown reassigned the task from Bob Brown to Erin Evans." in history


@pytest.mark.django_db
def test_concurrent_employment_save_is_a_message_not_an_error(
    client, bob, task, person, company, monkeypatch
):
    from django.db import IntegrityError

    def racing_save(*args, **kwargs):
        raise IntegrityError("employment_one_open_per_person")

    monkeypatch.setattr("hr.views.save_employment", racing_save)
    client.force_login(bob)
    response = client.post(
        task_url(task), details_post(person, company, **{"person-known_as": "Amazing"})
    )
    assert response.status_code == 200
    assert "changed by someone else at the same moment" in response.content.decode()
    person.refresh_from_db()
    assert person.known_as == ""  # nothing half-saved
