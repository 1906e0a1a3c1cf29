import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from hr.models import Company, Process
from hr.roles import is_hr_professional


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_complete():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    users = get_user_model().objects
    assert users.get(username="alice").is_superuser
    assert is_hr_professional(users.get(username="bob"))
    assert users.count() == 2
    assert Company.objects.filter(is_active=True).count() == 2
    kinds = set(Process.objects.filter(is_active=True).values_list("kind", flat=True))
    assert kinds == set(Process.NEW_STARTER_KINDS)
    assert Process.objects.count() == 2
