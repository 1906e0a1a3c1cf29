"""E-mail to people about their HR work. One place, so every message looks and links the same."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"


def task_url(task):
    return absolute_url(reverse("hr:task-detail", args=[task.pk]))


def notify_task_assigned(task):
    """Tell the assignee they have a task. Returns True if an e-mail was sent.

    A failing mail server must not undo the HR records, so errors are logged, not raised.
    """
    user = task.assigned_to
    if user is None or not user.email:
        return False
    context = {"task": task, "user": user, "url": task_url(task)}
    subject = f"New task: {task.process.name} for {task.person.full_name}"
    try:
        send_mail(
            subject,
            render_to_string("hr/email/task_assigned.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    except Exception:  # the mail backend can raise anything (SMTP, socket, TLS)
        logger.exception("Could not e-mail task %s to user %s", task.pk, user.pk)
        return False
    return True
