"""Who may read and write each endpoint: anonymous, staff without permissions (carol), an HR
Professional (bob), an integration manager (dave) and a superuser (alice)."""

import pytest

from tests.api.conftest import API

HR_LISTS = ["people/", "employment-details/", "companies/", "processes/", "tasks/"]
LEVER_LISTS = ["lever/configs/", "lever/log/", "lever/deliveries/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", HR_LISTS + LEVER_LISTS)
def test_anonymous_gets_401(client, path):
    response = client.get(API + path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
@pytest.mark.parametrize("path", HR_LISTS + LEVER_LISTS)
def test_staff_without_permissions_gets_403(api_as, carol, path):
    assert api_as(carol).get(API + path).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("path", HR_LISTS + LEVER_LISTS)
def test_superuser_reads_everything(api_as, alice, path):
    response = api_as(alice).get(API + path)
    assert response.status_code == 200
    assert set(response.json()) == {"count", "next", "previous", "results"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("people/", 200),
        ("employment-details/", 200),
        ("companies/", 200),
        ("processes/", 200),
        ("tasks/", 200),
        ("lever/log/", 200),  # HR Professionals read the Log
        ("lever/configs/", 403),  # nobody else sees the configs
        ("lever/deliveries/", 403),
    ],
)
def test_hr_professional_reads(api_as, bob, path, status):
    assert api_as(bob).get(API + path).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [("lever/configs/", 200), ("lever/log/", 200), ("lever/deliveries/", 200), ("people/", 403)],
)
def test_integration_manager_reads(api_as, dave, path, status):
    assert api_as(dave).get(API + path).status_code == status


@pytest.mark.django_db
def test_hr_professional_writes_only_what_the_role_may_change(api_as, bob, company):
    client = api_as(bob)
    # may view companies, not change them
    response = client.patch(f"{API}companies/{company.pk}/", {"name": "X"}, format="json")
    assert response.status_code == 403
    assert client.post(f"{API}companies/", {"code": "N", "name": "N"}).status_code == 403
    assert client.delete(f"{API}companies/{company.pk}/").status_code == 403
    assert client.post(f"{API}processes/", {"name": "P"}).status_code == 403


@pytest.mark.django_db
def test_session_auth_works_too(client, bob):
    client.force_login(bob)
    assert client.get(API + "people/").status_code == 200


@pytest.mark.django_db
def test_session_writes_need_csrf(bob, gender_unknown):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    response = client.post(API + "people/", {"person_code": "X"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.django_db
def test_bad_token_is_401(client):
    response = client.get(API + "people/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
