"""The sandbox's data API: payload shapes, Bearer auth, scopes, rate limit, injected faults."""

import uuid

import pytest
from django.test import Client

from lever_sandbox import ratelimit
from lever_sandbox.accounts import create_account, hired_reason
from lever_sandbox.candidates import archive_not_hired, create_candidate, mark_hired
from lever_sandbox.models import ArchiveReason
from lever_sandbox.testing import issue_tokens


@pytest.fixture
def bearer(account):
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_tokens().access_token}"}


@pytest.fixture
def candidate(account):
    return create_candidate(
        account,
        "Anna van der Berg",
        emails=["anna@example.com", "anna2@example.com"],
        phones=[
            {"type": "mobile", "value": "+44 7700 900123"},
            {"type": "skype", "value": "anna.vdb"},
            {"type": None, "value": "0800 000"},
        ],
        headline="Payroll",
        location="London",
        tags=["finance"],
        sources=["LinkedIn"],
    )


def get(path, **headers):
    return Client().get(f"/lever-sandbox/v1/{path}", **headers)


def test_opportunity_payload_is_shaped_like_levers(candidate, bearer):
    response = get(f"opportunities/{candidate.pk}", **bearer)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["id"] == str(candidate.pk)
    assert data["name"] == "Anna van der Berg"
    assert data["contact"] == str(candidate.contact)
    assert data["emails"] == ["anna@example.com", "anna2@example.com"]
    assert data["phones"] == [
        {"type": "mobile", "value": "+44 7700 900123"},
        {"type": "skype", "value": "anna.vdb"},
        {"type": None, "value": "0800 000"},
    ]
    assert data["location"] == "London"
    assert data["headline"] == "Payroll"
    assert data["stage"] == str(candidate.stage_id)
    assert data["archived"] is None
    assert data["tags"] == ["finance"] and data["sources"] == ["LinkedIn"]
    assert data["origin"] == "sourced"
    assert isinstance(data["createdAt"], int) and isinstance(data["updatedAt"], int)
    assert data["isAnonymized"] is False
    assert data["urls"]["show"].endswith(f"/lever-sandbox/candidates/{candidate.pk}/")
    assert data["urls"]["show"].startswith("http://testserver/")


def test_hired_opportunity_points_at_a_hired_archive_reason(candidate, bearer, account):
    account.webhook.is_enabled = False
    account.webhook.save()
    mark_hired(candidate)
    archived = get(f"opportunities/{candidate.pk}", **bearer).json()["data"]["archived"]
    assert isinstance(archived["archivedAt"], int)
    reason = get(f"archive_reasons/{archived['reason']}", **bearer)
    assert reason.status_code == 200
    assert reason.json() == {
        "data": {
            "id": str(hired_reason(account).pk),
            "text": "Hired",
            "status": "active",
            "type": "hired",
        }
    }


def test_archived_not_hired(candidate, bearer, account):
    withdrew = account.archive_reasons.get(text="Withdrew")
    archive_not_hired(candidate, withdrew)
    data = get(f"opportunities/{candidate.pk}", **bearer).json()["data"]
    assert data["archived"]["reason"] == str(withdrew.pk)
    assert get(f"archive_reasons/{withdrew.pk}", **bearer).json()["data"]["type"] == "non-hired"


def test_archive_reasons_are_seeded_and_listed(account, bearer):
    body = get("archive_reasons", **bearer).json()
    kinds = {(r["text"], r["type"]) for r in body["data"]}
    assert {
        ("Hired", "hired"),
        ("Withdrew", "non-hired"),
        ("Position filled", "non-hired"),
    } <= kinds
    assert body["hasNext"] is False


def test_expand_stage_and_contact(candidate, bearer):
    data = get(f"opportunities/{candidate.pk}?expand=stage&expand=contact", **bearer).json()["data"]
    assert data["stage"] == {"id": str(candidate.stage_id), "text": "New lead"}
    assert data["contact"]["id"] == str(candidate.contact)
    assert data["contact"]["emails"] == candidate.emails


@pytest.mark.parametrize("path", ["opportunities/{}", "archive_reasons/{}"])
@pytest.mark.parametrize("ident", [lambda: str(uuid.uuid4()), lambda: "not-a-uuid"])
def test_unknown_ids_are_resource_not_found(account, bearer, path, ident):
    response = get(path.format(ident()), **bearer)
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "ResourceNotFound" and body["message"]


def test_another_accounts_candidate_is_not_found(bearer, db):
    other = create_account("Other Co", admin_email="admin@other.lever")
    theirs = create_candidate(other, "Not Yours")
    assert get(f"opportunities/{theirs.pk}", **bearer).status_code == 404


def test_token_carries_its_own_account(db):
    other = create_account("Other Co", admin_email="admin@other.lever")
    theirs = create_candidate(other, "Theirs")
    token = issue_tokens(account=other).access_token
    response = get(f"opportunities/{theirs.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer ", "Token abc", "Bearer not.a.jwt", "Bearer eyJhbGciOiJub25lIn0.e30."],
)
def test_missing_or_bad_credentials_are_401_with_levers_envelope(candidate, header):
    headers = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = get(f"opportunities/{candidate.pk}", **headers)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "UnauthorizedError" and body["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_signed_with_another_key_is_401(candidate):
    import jwt

    forged = jwt.encode(
        {
            "exp": 9999999999,
            "https://oauth.lever.co/accountId": str(candidate.account_id),
            "https://sandbox.lever/grantId": 1,
        },
        "a-guessed-key-that-is-long-enough-for-hs256",
        algorithm="HS256",
    )
    assert (
        get(f"opportunities/{candidate.pk}", HTTP_AUTHORIZATION=f"Bearer {forged}").status_code
        == 401
    )


def test_missing_scope_is_403(candidate, account):
    token = issue_tokens(scope="offline_access archive_reasons:read:admin").access_token
    response = get(f"opportunities/{candidate.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403
    assert response.json()["code"] == "ForbiddenError"


def test_only_get_is_allowed(candidate, bearer):
    response = Client().post(f"/lever-sandbox/v1/opportunities/{candidate.pk}", **bearer)
    assert response.status_code == 405
    assert response.json()["code"] == "MethodNotAllowed"


def test_rate_limit_allows_a_burst_of_20_then_429(candidate, bearer, monkeypatch):
    from django.utils import timezone

    frozen = timezone.now()  # No refill while the test runs, however slow the machine.
    monkeypatch.setattr(ratelimit.timezone, "now", lambda: frozen)
    statuses = [get(f"opportunities/{candidate.pk}", **bearer).status_code for _ in range(22)]
    assert statuses == [200] * 20 + [429] * 2
    limited = get(f"opportunities/{candidate.pk}", **bearer)
    assert limited.json()["code"] == "TooManyRequestsError" and limited.json()["message"]
    assert "Retry-After" not in limited


def test_rate_limit_can_send_retry_after(candidate, bearer, account, monkeypatch):
    from django.utils import timezone

    frozen = timezone.now()
    monkeypatch.setattr(ratelimit.timezone, "now", lambda: frozen)
    account.rate_limit_burst = 1
    account.rate_limit_per_second = 0.5
    account.rate_limit_sends_retry_after = True
    account.save()
    ratelimit.reset(account)
    assert get(f"opportunities/{candidate.pk}", **bearer).status_code == 200
    limited = get(f"opportunities/{candidate.pk}", **bearer)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "2"


def test_bucket_refills_at_the_steady_rate(account, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    monkeypatch.setattr(ratelimit.timezone, "now", lambda: now)
    assert all(ratelimit.take_token(account.pk).allowed for _ in range(20))
    assert not ratelimit.take_token(account.pk).allowed
    now += timedelta(milliseconds=250)  # 2.5 tokens at 10/s
    assert [ratelimit.take_token(account.pk).allowed for _ in range(3)] == [True, True, False]
    now += timedelta(seconds=60)  # Never more than the burst.
    assert sum(ratelimit.take_token(account.pk).allowed for _ in range(25)) == 20


def test_rate_limit_is_per_account(candidate, bearer, db):
    other = create_account("Other Co", admin_email="admin@other.lever")
    other_token = {"HTTP_AUTHORIZATION": f"Bearer {issue_tokens(account=other).access_token}"}
    for _ in range(25):
        get(f"opportunities/{candidate.pk}", **bearer)
    assert get("archive_reasons", **other_token).status_code == 200


def test_fault_injection(candidate, bearer, account):
    account.fault_rate = 1.0
    account.fault_status = 503
    account.save()
    response = get(f"opportunities/{candidate.pk}", **bearer)
    assert response.status_code == 503
    assert response.json()["code"] == "ServiceUnavailableError"
    account.fault_rate = 0.0
    account.save()
    assert get(f"opportunities/{candidate.pk}", **bearer).status_code == 200


def test_latency_injection(candidate, bearer, account, monkeypatch):
    from lever_sandbox import api_views

    slept = []
    monkeypatch.setattr(api_views.time, "sleep", slept.append)
    account.latency_ms = 250
    account.save()
    assert get(f"opportunities/{candidate.pk}", **bearer).status_code == 200
    assert slept == [0.25]


def test_archive_reason_types(account):
    types = dict(account.archive_reasons.values_list("text", "type"))
    assert types["Hired"] == ArchiveReason.Type.HIRED
    assert types["Position filled"] == ArchiveReason.Type.NON_HIRED
