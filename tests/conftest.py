"""The named cast of test users and the HR records most tests start from.

alice: superuser. bob: HR Professional. carol: staff with no permissions.
dave: integration manager (holds integrations.manage_lever_integration) but not HR.
"""

import pytest
from django.contrib.auth.models import Group, Permission

from hr.models import Company, Gender, Process
from hr.roles import HR_PROFESSIONAL_GROUP, grant_hr_professional_permissions

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The named cast is created in most tests; real password hashing would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_superuser("alice", "alice@example.com", PASSWORD)


@pytest.fixture
def hr_professional_group(db):
    grant_hr_professional_permissions()
    return Group.objects.get(name=HR_PROFESSIONAL_GROUP)


@pytest.fixture
def bob(django_user_model, hr_professional_group):
    user = django_user_model.objects.create_user(
        "bob", "bob@example.com", PASSWORD, first_name="Bob", last_name="Brown", is_staff=True
    )
    user.groups.add(hr_professional_group)
    return user


@pytest.fixture
def carol(django_user_model):
    return django_user_model.objects.create_user(
        "carol", "carol@example.com", PASSWORD, is_staff=True
    )


@pytest.fixture
def dave(django_user_model):
    user = django_user_model.objects.create_user(
        "dave", "dave@example.com", PASSWORD, is_staff=True
    )
    user.user_permissions.add(
        Permission.objects.get(codename="manage_lever_integration"),
        *Permission.objects.filter(
            content_type__app_label="integrations", codename__startswith="view_"
        ),
    )
    return user


@pytest.fixture
def migrated_picklists(transactional_db):
    """The rows the data migrations create, for tests that commit for real (transaction=True).

    Between such tests Django flushes every table, data-migration rows included. Restoring them
    with serialized_rollback clashes with what the flush's post_migrate step recreates (content
    types), so they are created again here instead.
    """
    for code, name in [("U", "Not Known"), ("F", "Female"), ("M", "Male")]:
        Gender.objects.get_or_create(code=code, defaults={"name": name})


@pytest.fixture
def company(db):
    return Company.objects.create(code="ACME-UK", name="Acme UK Ltd")


@pytest.fixture
def gender_unknown(db):
    return Gender.objects.get(code=Gender.NOT_KNOWN)


@pytest.fixture
def new_starter_process(db):
    return Process.objects.create(
        name="Enter a New Starter", kind=Process.Kind.NEW_STARTER_WITH_ABSENCES
    )
