"""Demo data for `make run`: companies, New Starter processes, alice and bob. Idempotent."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from hr.models import Company, Process
from hr.roles import HR_PROFESSIONAL_GROUP, grant_hr_professional_permissions

DEMO_PASSWORD = "cezanne-demo"  # noqa: S105 - a published demo login, for local use only

COMPANIES = [
    ("CEZ-UK", "Cezanne Demo Ltd (UK)"),
    ("CEZ-IE", "Cezanne Demo Ireland Ltd"),
]
PROCESSES = [
    ("Enter a New Starter", Process.Kind.NEW_STARTER_WITH_ABSENCES),
    ("Enter a New Starter (Without Absences)", Process.Kind.NEW_STARTER_WITHOUT_ABSENCES),
]


class Command(BaseCommand):
    help = "Load demo companies, New Starter processes, alice (admin) and bob (HR Professional)."

    @transaction.atomic
    def handle(self, *args, **options):
        for code, name in COMPANIES:
            Company.objects.get_or_create(code=code, defaults={"name": name})
        for name, kind in PROCESSES:
            Process.objects.get_or_create(name=name, kind=kind, defaults={"is_active": True})

        grant_hr_professional_permissions()
        users = get_user_model().objects
        if not users.filter(username="alice").exists():
            users.create_superuser(
                "alice", "alice@example.com", DEMO_PASSWORD, first_name="Alice", last_name="Admin"
            )
        if not users.filter(username="bob").exists():
            bob = users.create_user(
                "bob",
                "bob@example.com",
                DEMO_PASSWORD,
                first_name="Bob",
                last_name="Brown",
                is_staff=True,
            )
            bob.groups.add(Group.objects.get(name=HR_PROFESSIONAL_GROUP))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Log in as alice / {DEMO_PASSWORD} (administrator) "
                f"or bob / {DEMO_PASSWORD} (HR Professional)."
            )
        )
