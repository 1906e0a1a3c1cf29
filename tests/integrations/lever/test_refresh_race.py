"""Several workers holding the same expired token must make exactly one refresh call: Lever
rotates refresh tokens, and reusing an old one can revoke the whole grant."""

import json
import threading
import time
from datetime import timedelta
from itertools import pairwise

import pytest
import responses
from django.db import connection
from django.utils import timezone

from integrations.lever.client import LeverClient
from integrations.lever.ratelimit import reserve_slot
from integrations.models import IntegrationConfig
from tests.integrations.lever.conftest import API, TOKEN_URL, access_token, token_answer

OPP_ID = "250d8f03-738a-4bba-a671-8a3d73477145"
WORKERS = 5


def run_in_threads(target, count):
    """Run target(index) in `count` threads started together; return (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def body(index):
        try:
            barrier.wait(timeout=10)
            results.append(target(index))
        except Exception as exc:  # collected and asserted on by the test
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own database connection

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.fixture
def expired_config_committed(transactional_db):
    return IntegrationConfig.objects.create(
        subdomain="RaceHR",
        status=IntegrationConfig.Status.AUTHORISED,
        access_token=access_token(1),
        refresh_token="refresh-1",
        token_expires_at=timezone.now() - timedelta(minutes=1),
    )


def test_concurrent_workers_with_an_expired_token_refresh_exactly_once(expired_config_committed):
    token_calls = []

    def token_endpoint(request):
        token_calls.append(request.body)
        time.sleep(0.3)  # a slow Lever widens the window in which a second refresh could start
        return 200, {}, json.dumps(token_answer(n=2))

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add_callback(responses.POST, TOKEN_URL, callback=token_endpoint)
        rsps.get(f"{API}/opportunities/{OPP_ID}", json={"data": {"id": OPP_ID}})

        def fetch(index):
            config = IntegrationConfig.objects.get(pk=expired_config_committed.pk)
            return LeverClient(config).get_opportunity(OPP_ID)

        results, errors = run_in_threads(fetch, WORKERS)
        api_auth = {
            call.request.headers["Authorization"]
            for call in rsps.calls
            if call.request.url.startswith(API)
        }

    assert errors == []
    assert results == [{"id": OPP_ID}] * WORKERS
    assert len(token_calls) == 1
    assert api_auth == {f"Bearer {access_token(2)}"}
    stored = IntegrationConfig.objects.get(pk=expired_config_committed.pk)
    assert stored.refresh_token == "refresh-2"


def test_concurrent_slot_reservations_are_spaced_by_the_rate(expired_config_committed, settings):
    settings.LEVER_RATE_LIMIT_PER_SECOND = 10
    config = expired_config_committed

    slots, errors = run_in_threads(lambda index: reserve_slot(config), 8)

    assert errors == []
    # Eight callers at once get eight different slots, each 0.1 s after the one before.
    slots.sort()
    gaps = [(later - earlier).total_seconds() for earlier, later in pairwise(slots)]
    assert gaps == [pytest.approx(0.1)] * 7
