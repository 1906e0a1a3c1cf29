"""The HR Professional role: one place for who counts as one and what the role may do."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

HR_PROFESSIONAL_GROUP = "HR Professional"

# "app_label.codename" of every permission the role carries.
HR_PROFESSIONAL_PERMISSIONS = [
    "hr.view_company",
    "hr.view_gender",
    "hr.view_process",
    "hr.add_person",
    "hr.change_person",
    "hr.view_person",
    "hr.add_employmentdetails",
    "hr.change_employmentdetails",
    "hr.view_employmentdetails",
    "hr.change_task",
    "hr.view_task",
    "hr.view_taskevent",
    "integrations.view_logentry",
]


def hr_professionals():
    """Active users who may be New Hire Administrators."""
    return get_user_model().objects.filter(is_active=True, groups__name=HR_PROFESSIONAL_GROUP)


def is_hr_professional(user):
    return bool(
        user is not None
        and user.is_active
        and user.groups.filter(name=HR_PROFESSIONAL_GROUP).exists()
    )


def grant_hr_professional_permissions(group=None):
    """Give the group every listed permission that exists so far (idempotent); create the group
    if need be. Returns the group."""
    if group is None:
        group, _ = Group.objects.get_or_create(name=HR_PROFESSIONAL_GROUP)
    for dotted in HR_PROFESSIONAL_PERMISSIONS:
        app_label, codename = dotted.split(".")
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is not None:
            group.permissions.add(permission)
    return group


def grant_after_migrate(**kwargs):
    """post_migrate: permissions exist only once every app has migrated. The group itself comes
    from a data migration; where it is absent (a database just flushed, as between tests) this
    does not invent one, so restoring the flushed rows cannot collide with it."""
    group = Group.objects.filter(name=HR_PROFESSIONAL_GROUP).first()
    if group is not None:
        grant_hr_professional_permissions(group)


MANAGE_LEVER_INTEGRATION = "integrations.manage_lever_integration"


def is_integration_manager(user):
    """Superusers and holders of `integrations.manage_lever_integration`.

    Besides managing the Lever connection, they may finish or hand over any New Starter task,
    so the work never waits on someone who is away or has left.
    """
    return bool(user is not None and user.is_active and user.has_perm(MANAGE_LEVER_INTEGRATION))


def can_view_tasks(user):
    return bool(user is not None and user.is_active and user.has_perm("hr.view_task"))


# What working on a New Starter task changes: the task, the person, their employment.
TASK_WORK_PERMISSIONS = [
    "hr.change_task",
    "hr.change_person",
    "hr.add_employmentdetails",
    "hr.change_employmentdetails",
]


def can_work_on_task(user, task):
    """Whether `user` may correct, complete or reassign `task`: its assignee, or an integration
    manager, provided they may change tasks, people and employment details."""
    if user is None or not user.is_active or not user.has_perms(TASK_WORK_PERMISSIONS):
        return False
    return task.assigned_to_id == user.pk or is_integration_manager(user)
