"""The New Hire Administrator's work on a task: complete it, hand it over.

Plain functions that check the rules, change the records, write the task's audit trail
(`TaskEvent`) and return an `Outcome` saying what happened in words fit for the page.
"""

from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone

from hr import notifications
from hr.models import Task, TaskEvent
from hr.roles import can_work_on_task, is_hr_professional
from hr.services.employment import current_employment


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str
    # True when the refusal is about who asked (not about the task): the API answers 403.
    forbidden: bool = False


def display_name(user):
    if user is None:
        return "nobody"
    return user.get_full_name() or user.username


def person_name(person):
    return person.full_name or f"{person.first_name} {person.surname}"


def _refusal(task, user, verb):
    """An Outcome refusing `verb` ("completed", "reassigned") if `user` may not, else None."""
    if not can_work_on_task(user, task):
        return Outcome(
            False,
            f"The task was not {verb}: it is assigned to {display_name(task.assigned_to)}. "
            "Only they or an integration manager can change it.",
            forbidden=True,
        )
    if task.status != Task.Status.OPEN:
        return Outcome(
            False, f"The task was not {verb}: it is already {task.get_status_display().lower()}."
        )
    return None


def record_details_updated(task, user, what):
    """Note on the task that its person's details were corrected (`what`: which ones)."""
    TaskEvent.objects.create(
        task=task,
        kind=TaskEvent.Kind.DETAILS_UPDATED,
        actor=user,
        message=f"{display_name(user)} updated {what}.",
    )


def employment_problem(person):
    """What stops a new starter's task from being completed, or None if nothing does."""
    employment = current_employment(person)
    if employment is None:
        return (
            f"{person_name(person)} has no Employment Details. Add the company, hire date and "
            "employment ID, then complete the task."
        )
    if not employment.company.is_active:
        return (
            f"{person_name(person)}'s Employment Details are in {employment.company}, which is "
            "inactive. Choose an active company, then complete the task."
        )
    return None


@transaction.atomic
def complete_task(task, user):
    """Mark the task completed by `user` once the person is employed in an active company."""
    task = Task.objects.select_for_update().select_related("person").get(pk=task.pk)
    refusal = _refusal(task, user, "completed")
    if refusal:
        return refusal
    problem = employment_problem(task.person)
    if problem:
        return Outcome(False, f"The task was not completed: {problem}")
    task.status = Task.Status.COMPLETED
    task.completed_at = timezone.now()
    task.completed_by = user
    task.save(update_fields=["status", "completed_at", "completed_by"])
    TaskEvent.objects.create(
        task=task,
        kind=TaskEvent.Kind.COMPLETED,
        actor=user,
        message=f"{display_name(user)} completed the task.",
    )
    return Outcome(True, f"The task for {person_name(task.person)} is completed.")


@transaction.atomic
def reassign_task(task, new_assignee, user):
    """Hand the task to another active HR Professional, log it, and e-mail them after commit."""
    task = Task.objects.select_for_update().select_related("person", "process").get(pk=task.pk)
    refusal = _refusal(task, user, "reassigned")
    if refusal:
        return refusal
    problem = None
    if not is_hr_professional(new_assignee):
        problem = f"{display_name(new_assignee)} is not an active HR Professional."
    elif new_assignee.pk == task.assigned_to_id:
        problem = f"it is already assigned to {display_name(new_assignee)}."
    if problem:
        return Outcome(False, f"The task was not reassigned: {problem}")
    previous = task.assigned_to
    task.assigned_to = new_assignee
    task.save(update_fields=["assigned_to"])
    TaskEvent.objects.create(
        task=task,
        kind=TaskEvent.Kind.REASSIGNED,
        actor=user,
        from_user=previous,
        to_user=new_assignee,
        message=(
            f"{display_name(user)} reassigned the task from {display_name(previous)} "
            f"to {display_name(new_assignee)}."
        ),
    )
    transaction.on_commit(partial(notifications.notify_task_assigned, task))
    return Outcome(True, f"The task is now assigned to {display_name(new_assignee)}.")
