"""The OpenAPI schema, the self-hosted docs page, and tokens from the command line."""

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from tests.api.conftest import API

EXPECTED_PATHS = [
    "/cezannehr/api/v4/people/",
    "/cezannehr/api/v4/people/{id}/",
    "/cezannehr/api/v4/employment-details/",
    "/cezannehr/api/v4/companies/",
    "/cezannehr/api/v4/processes/",
    "/cezannehr/api/v4/tasks/",
    "/cezannehr/api/v4/tasks/{id}/complete/",
    "/cezannehr/api/v4/tasks/{id}/reassign/",
    "/cezannehr/api/v4/lever/configs/",
    "/cezannehr/api/v4/lever/log/",
    "/cezannehr/api/v4/lever/deliveries/",
    "/cezannehr/api/v4/lever/deliveries/{id}/",
]


@pytest.fixture
def schema(client):
    response = client.get(f"{API}schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_schema_is_openapi_3_with_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    for path in EXPECTED_PATHS:
        assert path in schema["paths"], path


@pytest.mark.django_db
def test_schema_documents_filters_and_token_auth(schema):
    parameters = {
        p["name"] for p in schema["paths"]["/cezannehr/api/v4/people/"]["get"]["parameters"]
    }
    assert {"person_code", "external_email", "lever_contact_id", "page"} <= parameters
    task_params = schema["paths"]["/cezannehr/api/v4/tasks/"]["get"]["parameters"]
    assert {"person", "assigned_to", "status"} <= {p["name"] for p in task_params}
    assert "tokenAuth" in schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_schema_has_no_readable_secret(schema):
    config = schema["components"]["schemas"]["IntegrationConfig"]["properties"]
    assert not {"signature_token", "access_token", "refresh_token"} & set(config)
    request = schema["components"]["schemas"]["IntegrationConfigRequest"]["properties"]
    assert "signature_token" in request  # write-only
    assert not {"access_token", "refresh_token"} & set(request)


@pytest.mark.django_db
def test_docs_page_is_self_hosted(client):
    response = client.get(f"{API}docs/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "swagger-ui" in content
    assert "/static/drf_spectacular_sidecar/" in content
    assert "cdn" not in content.lower() and "https://" not in content


@pytest.mark.django_db
def test_drf_create_token_command(bob, capsys):
    call_command("drf_create_token", "bob")
    token = Token.objects.get(user=bob)
    assert token.key in capsys.readouterr().out


@pytest.mark.django_db
def test_api_root_lists_endpoints(api_as, alice):
    response = api_as(alice).get(API)
    assert response.status_code == 200
    assert "lever/configs" in response.json()
