import datetime

import pytest
from django.core import mail

from hr.models import Person, Task
from hr.notifications import notify_task_assigned


@pytest.fixture
def task(gender_unknown, new_starter_process, bob):
    person = Person.objects.create(
        person_code="LEV-7",
        first_name="Ada",
        surname="Lovelace",
        full_name="Ada Lovelace",
        gender=gender_unknown,
        date_of_birth=datetime.date(1990, 1, 1),
    )
    return Task.objects.create(process=new_starter_process, person=person, assigned_to=bob)


@pytest.mark.django_db
def test_assignee_is_emailed_with_a_link(task, settings):
    settings.SITE_URL = "https://hr.example.com"
    assert notify_task_assigned(task) is True
    (message,) = mail.outbox
    assert message.to == ["bob@example.com"]
    assert "Ada Lovelace" in message.subject
    assert f"https://hr.example.com/hr/tasks/{task.pk}/" in message.body


@pytest.mark.django_db
def test_no_email_without_address(task):
    task.assigned_to.email = ""
    assert notify_task_assigned(task) is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_mail_failure_is_logged_not_raised(task, settings, caplog):
    settings.EMAIL_BACKEND = "tests.hr.test_notifications.BrokenBackend"
    assert notify_task_assigned(task) is False
    assert "Could not e-mail task" in caplog.text


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")
