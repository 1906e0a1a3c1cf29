"""Schema-driven fuzzing: schemathesis generates requests from our own OpenAPI schema and sends
them through the WSGI app as a superuser. Whatever it sends, the answer is never a 5xx.

Run only this with `pytest -m fuzz`; leave it out with `-m "not fuzz"`.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from cezanne_lever.wsgi import application
from hr.models import EmploymentDetails, Person, Task
from integrations.models import IntegrationConfig, LogEntry, WebhookDelivery
from tests.api.conftest import API

MAX_EXAMPLES_PER_OPERATION = 10


@pytest.fixture
def keep_test_connection(db):
    """The WSGI handler closes the database connection after each request, which would end the
    test's transaction; Django's own test client turns that off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def superuser_token(alice):
    return Token.objects.create(user=alice).key


@pytest.fixture
def some_records(alice, bob, company, gender_unknown, new_starter_process):
    """A little of everything, so generated ids sometimes hit real rows."""
    person = Person.objects.create(
        person_code="LEV-1",
        first_name="Grace",
        surname="Hopper",
        gender=gender_unknown,
        date_of_birth="1990-01-01",
    )
    EmploymentDetails.objects.create(
        person=person, company=company, employment_id="LEV-1", hire_date="2026-01-05"
    )
    Task.objects.create(process=new_starter_process, person=person, assigned_to=bob)
    config = IntegrationConfig.objects.create(
        subdomain="CezanneHR", signature_token="s", new_hire_administrator=bob
    )
    delivery = WebhookDelivery.objects.create(
        config=config,
        event="candidateHired",
        token="t",
        triggered_at="2026-01-05T10:00:00Z",
        payload={"signature": "x"},
    )
    LogEntry.objects.create(config=config, level="error", message="m", delivery=delivery)


# Loaded when the module is collected (schema generation needs no database). Schemathesis'
# lazy `from_fixture` loader does not work with pytest 9.
schema = schemathesis.openapi.from_wsgi(f"{API}schema/", application)


@pytest.mark.fuzz
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_no_request_gets_a_server_error(case, keep_test_connection, superuser_token, some_records):
    case.call_and_validate(
        headers={"Authorization": f"Token {superuser_token}"},
        checks=[not_a_server_error],
    )
