"""The New Hire Administrator's pages: *My tasks* and the task page. Thin: the rules live in
hr.services and hr.roles."""

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hr.forms import EmploymentForm, PersonDetailsForm, ReassignForm
from hr.models import Task
from hr.roles import can_view_tasks, can_work_on_task
from hr.services import tasks as task_services
from hr.services.employment import current_employment, save_employment


def _page(request, template, **context):
    """Render inside the admin's frame: header, user tools, sidebar, messages."""
    return render(request, template, {**admin.site.each_context(request), **context})


def _require_task_viewer(user):
    if not can_view_tasks(user):
        raise PermissionDenied


@login_required
def my_tasks(request):
    _require_task_viewer(request.user)
    show_all = request.GET.get("show") == "all"
    tasks = Task.objects.filter(status=Task.Status.OPEN).select_related(
        "person", "process", "assigned_to"
    )
    if not show_all:
        tasks = tasks.filter(assigned_to=request.user)
    return _page(
        request,
        "hr/my_tasks.html",
        title="Open tasks" if show_all else "My tasks",
        tasks=tasks.order_by("-created_at", "-id"),
        show_all=show_all,
    )


@login_required
def task_detail(request, pk):
    _require_task_viewer(request.user)
    task = get_object_or_404(Task.objects.select_related("person", "process", "assigned_to"), pk=pk)
    person = task.person
    may_work = task.status == Task.Status.OPEN and can_work_on_task(request.user, task)
    data = request.POST if request.method == "POST" else None
    if data is not None and not may_work:
        raise PermissionDenied
    person_form = PersonDetailsForm(data, instance=person)
    employment_form = EmploymentForm(data, instance=current_employment(person), person=person)
    forms_valid = data is not None and person_form.is_valid() and employment_form.is_valid()
    if forms_valid and _save_details(request, task, person_form, employment_form):
        return _after_save(request, task)
    if not may_work:
        for form in (person_form, employment_form):
            for field in form.fields.values():
                field.disabled = True
    return _page(
        request,
        "hr/task_detail.html",
        title=f"{task.process.name}: {task_services.person_name(person)}",
        task=task,
        person=person,
        person_form=person_form,
        employment_form=employment_form,
        reassign_form=ReassignForm(task=task) if may_work else None,
        may_work=may_work,
        events=task.events.select_related("actor"),
    )


def _after_save(request, task):
    """Complete the task if asked to; either way say what happened and where to go next."""
    if "_complete" not in request.POST:
        return redirect("hr:task-detail", pk=task.pk)
    outcome = task_services.complete_task(task, request.user)
    if outcome.ok:
        messages.success(request, outcome.message)
        return redirect("hr:my-tasks")
    messages.error(request, outcome.message)
    return redirect("hr:task-detail", pk=task.pk)


def _save_details(request, task, person_form, employment_form):
    """Save the corrections in one transaction. False (and a form error) if a rule refuses."""
    changed = ["personal and contact details"] if person_form.has_changed() else []
    try:
        with transaction.atomic():
            person_form.save()
            if employment_form.has_changed():
                data = employment_form.cleaned_data
                save_employment(
                    task.person,
                    company=data["company"],
                    hire_date=data["hire_date"],
                    employment_id=data["employment_id"],
                )
                changed.append("employment details")
            if changed:
                task_services.record_details_updated(task, request.user, " and ".join(changed))
    except ValueError as refusal:
        employment_form.add_error(None, str(refusal))
        return False
    except IntegrityError:
        # Someone saved employment for this person at the same moment (one open-ended each).
        employment_form.add_error(
            None,
            "These Employment Details were changed by someone else at the same moment. "
            "Reload the page and check them.",
        )
        return False
    if changed:
        messages.success(request, f"Saved the {' and '.join(changed)}.")
    return True


@login_required
@require_POST
def reassign(request, pk):
    _require_task_viewer(request.user)
    task = get_object_or_404(Task, pk=pk)
    form = ReassignForm(request.POST, task=task)
    if not form.is_valid():
        messages.error(request, "Choose an active HR Professional to reassign the task to.")
        return redirect("hr:task-detail", pk=task.pk)
    outcome = task_services.reassign_task(task, form.cleaned_data["assigned_to"], request.user)
    (messages.success if outcome.ok else messages.error)(request, outcome.message)
    if outcome.ok and not can_work_on_task(request.user, Task.objects.get(pk=task.pk)):
        return redirect("hr:my-tasks")
    return redirect("hr:task-detail", pk=task.pk)
