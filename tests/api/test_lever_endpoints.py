"""The Lever endpoints: configs (never a secret), the log and the deliveries (read-only)."""

import datetime
import json

import pytest
from django.utils import timezone

from integrations.models import IntegrationConfig, LogEntry, WebhookDelivery
from tests.api.conftest import API
from tests.hr.factories import make_person

SECRETS = ["signature-secret-123", "access-secret-456", "refresh-secret-789"]


@pytest.fixture
def config(bob, company):
    return IntegrationConfig.objects.create(
        subdomain="CezanneHR",
        signature_token=SECRETS[0],
        access_token=SECRETS[1],
        refresh_token=SECRETS[2],
        new_hire_administrator=bob,
        default_company=company,
        status=IntegrationConfig.Status.AUTHORISED,
    )


@pytest.fixture
def delivery(config):
    return WebhookDelivery.objects.create(
        config=config,
        event="candidateHired",
        token="tok-1",
        triggered_at=timezone.now(),
        payload={"event": "candidateHired", "signature": "abc123", "data": {"contactId": "c-1"}},
        opportunity_id="opp-1",
        contact_id="c-1",
        status=WebhookDelivery.Status.FAILED,
    )


def assert_no_secret(response):
    text = response.content.decode()
    for secret in SECRETS:
        assert secret not in text
    for field in ("access_token", "refresh_token", '"signature_token"'):
        assert field not in text


# --- configs ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_config_never_shows_a_secret(api_as, dave, config):
    client = api_as(dave)
    listed = client.get(f"{API}lever/configs/")
    detail = client.get(f"{API}lever/configs/{config.pk}/")
    assert_no_secret(listed)
    assert_no_secret(detail)
    body = detail.json()
    assert body["subdomain"] == "CezanneHR"
    assert body["has_signature_token"] is True
    assert body["status"] == "authorised"


@pytest.mark.django_db
def test_integration_manager_creates_config_with_write_only_token(api_as, dave, bob, company):
    body = {
        "subdomain": "Acme",
        "signature_token": "new-signature-secret",
        "new_hire_administrator": bob.pk,
        "default_company": company.pk,
    }
    response = api_as(dave).post(f"{API}lever/configs/", body, format="json")
    assert response.status_code == 201, response.json()
    assert "new-signature-secret" not in response.content.decode()
    assert response.json()["has_signature_token"] is True
    assert response.json()["status"] == "not_authorised"
    assert IntegrationConfig.objects.get(subdomain="Acme").signature_token == (
        "new-signature-secret"
    )


@pytest.mark.django_db
def test_config_status_cannot_be_set_through_the_api(api_as, alice, config):
    response = api_as(alice).patch(
        f"{API}lever/configs/{config.pk}/",
        {"status": "revoked", "is_enabled": False, "access_token": "x"},
        format="json",
    )
    assert response.status_code == 200
    config.refresh_from_db()
    assert (config.status, config.is_enabled, config.access_token) == (
        "authorised",
        True,
        SECRETS[1],
    )


@pytest.mark.django_db
def test_config_validation(api_as, alice, carol, config, company):
    company.is_active = False
    company.save()
    body = {"subdomain": "cezannehr", "new_hire_administrator": carol.pk}
    response = api_as(alice).post(f"{API}lever/configs/", body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert "exists" in errors["subdomain"][0]  # case-insensitive
    assert "HR Professional" in errors["new_hire_administrator"][0]
    response = api_as(alice).post(
        f"{API}lever/configs/",
        {"subdomain": "bad sub!", "default_company": company.pk},
        format="json",
    )
    assert set(response.json()) == {"subdomain", "default_company"}


@pytest.mark.django_db
def test_only_integration_managers_change_configs(api_as, bob, carol, config):
    # bob may not even see them; carol neither; a staff user with model perms but not the
    # manage permission may read but not write.
    from django.contrib.auth.models import Permission

    assert api_as(bob).get(f"{API}lever/configs/{config.pk}/").status_code == 403
    carol.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="integrations", content_type__model="integrationconfig"
        ).exclude(codename="manage_lever_integration")
    )
    client = api_as(carol)
    assert client.get(f"{API}lever/configs/").status_code == 200
    response = client.patch(f"{API}lever/configs/{config.pk}/", {"subdomain": "X"}, format="json")
    assert response.status_code == 403
    assert client.delete(f"{API}lever/configs/{config.pk}/").status_code == 403


# --- log --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_log_filters(api_as, bob, config, gender_unknown):
    person = make_person(gender_unknown)
    LogEntry.objects.create(config=config, level="info", message="Started", person=person)
    LogEntry.objects.create(config=config, level="error", message="No company")
    LogEntry.objects.create(config=None, level="warning", message="Other")
    client = api_as(bob)

    def messages(query):
        return [e["message"] for e in client.get(f"{API}lever/log/", query).json()["results"]]

    assert messages({"level": "error"}) == ["No company"]
    assert messages({"person": person.pk}) == ["Started"]
    assert sorted(messages({"config": config.pk})) == ["No company", "Started"]
    assert client.get(f"{API}lever/log/", {"level": "fatal"}).status_code == 400


@pytest.mark.django_db
def test_log_is_read_only(api_as, alice, config):
    entry = LogEntry.objects.create(config=config, level="info", message="Started")
    client = api_as(alice)
    assert client.post(f"{API}lever/log/", {"message": "x"}).status_code == 405
    assert client.delete(f"{API}lever/log/{entry.pk}/").status_code == 405


# --- deliveries -------------------------------------------------------------------------


@pytest.mark.django_db
def test_deliveries_filters_and_no_signature(api_as, dave, delivery, config):
    WebhookDelivery.objects.create(
        config=config,
        event="candidateStageChange",
        token="tok-2",
        triggered_at=timezone.now() - datetime.timedelta(minutes=1),
        payload={},
        status=WebhookDelivery.Status.IGNORED,
    )
    client = api_as(dave)
    (failed,) = client.get(f"{API}lever/deliveries/", {"status": "failed"}).json()["results"]
    assert failed["token"] == "tok-1"
    assert failed["payload"] == {"event": "candidateHired", "data": {"contactId": "c-1"}}
    assert "abc123" not in json.dumps(failed)
    assert client.get(f"{API}lever/deliveries/", {"config": config.pk}).json()["count"] == 2
    assert client.get(f"{API}lever/deliveries/", {"config": 999999}).status_code == 400


@pytest.mark.django_db
def test_deliveries_are_read_only(api_as, alice, delivery):
    client = api_as(alice)
    assert client.patch(f"{API}lever/deliveries/{delivery.pk}/", {}).status_code == 405
    assert client.delete(f"{API}lever/deliveries/{delivery.pk}/").status_code == 405


# --- retry ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_integration_manager_retries_a_failed_delivery(
    api_as, dave, delivery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api_as(dave).post(f"{API}lever/deliveries/{delivery.pk}/retry/")
    assert response.status_code == 202
    assert response.json()["status"] == "received"
    assert len(callbacks) == 1  # processing queued once the retry is committed
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.RECEIVED
    assert delivery.attempts == 0
    assert LogEntry.objects.filter(delivery=delivery, message__contains="dave").exists()


@pytest.mark.django_db
def test_retry_of_a_processed_delivery_is_a_conflict(api_as, alice, delivery):
    delivery.status = WebhookDelivery.Status.PROCESSED
    delivery.save()
    response = api_as(alice).post(f"{API}lever/deliveries/{delivery.pk}/retry/")
    assert response.status_code == 409
    assert "cannot be retried" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "carol", "bob"])
def test_only_integration_managers_may_retry(api_as, request, who, delivery):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    response = api_as(user).post(f"{API}lever/deliveries/{delivery.pk}/retry/")
    assert response.status_code == (401 if user is None else 403)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED


@pytest.mark.django_db
def test_retry_of_an_unknown_delivery_is_404(api_as, alice):
    assert api_as(alice).post(f"{API}lever/deliveries/999999/retry/").status_code == 404
