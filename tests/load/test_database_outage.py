"""Part 2 of "Prove it": a 30 s database outage in the middle of a run loses nothing.

A TCP proxy run by the test stands between PostgreSQL and the product's processes (gunicorn and
two db_workers); the test cuts it for 30 s (open connections dropped, new ones closed at once)
while Lever keeps sending hires. The webhook must answer 503 so that Lever retries, Lever (the
test) re-sends what was not acknowledged as it would, the workers must outlive the outage
without being restarted, and in the end every hire is recorded exactly once. The test reads
the database directly, not through the proxy.
"""

import contextlib
import threading
import time

import pytest
from django.db import connection

from hr.models import EmploymentDetails, Person, Task
from integrations.models import LogEntry, WebhookDelivery
from tests.lever_payloads import SIGNATURE_TOKEN
from tests.load.conftest import SUBDOMAIN
from tests.load.db_proxy import DatabaseProxy
from tests.load.fake_lever import FaultyLever
from tests.load.lever_sender import Sender, is_success, new_hire
from tests.load.processes import WebServer, Workers, product_env, wait_for
from tests.processes import database_url

pytestmark = [
    pytest.mark.load,
    pytest.mark.django_db(transaction=True),
]

HIRES = 100
SEND_INTERVAL_SECONDS = 0.25  # 4 hires a second: the outage falls in the middle of the run
OUTAGE_AFTER_SECONDS = 5
OUTAGE_SECONDS = 30
# Lever re-sends a failed delivery five times, waiting longer each time (intervals unpublished).
LEVER_RETRY_DELAYS_SECONDS = (2, 4, 8, 16, 32)
FINISH_TIMEOUT_SECONDS = 120
Status = WebhookDelivery.Status


class Lever(threading.Thread):
    """Sends one hire every SEND_INTERVAL_SECONDS and re-sends unacknowledged ones on Lever's
    schedule. Records (started, finished, answer) for every attempt."""

    def __init__(self, sender, hires):
        super().__init__(daemon=True)
        self.sender, self.hires = sender, hires
        self.attempts = []
        self.unacknowledged = []

    def attempt(self, hire):
        started = time.monotonic()
        answer = self.sender.send(hire.body)
        self.attempts.append((started, time.monotonic(), answer))
        return is_success(answer)

    def run(self):
        waiting, retries = list(self.hires), []  # retries: (due, retry number, hire)
        while waiting or retries:
            for item in [item for item in retries if item[0] <= time.monotonic()]:
                retries.remove(item)
                self.retry(item, retries)
            if waiting:
                hire = waiting.pop(0)
                if not self.attempt(hire):
                    retries.append((time.monotonic() + LEVER_RETRY_DELAYS_SECONDS[0], 0, hire))
                time.sleep(SEND_INTERVAL_SECONDS)
            elif retries:
                time.sleep(max(0.0, min(item[0] for item in retries) - time.monotonic()))

    def retry(self, item, retries):
        _, number, hire = item
        if self.attempt(hire):
            return
        if number + 1 < len(LEVER_RETRY_DELAYS_SECONDS):
            delay = LEVER_RETRY_DELAYS_SECONDS[number + 1]
            retries.append((time.monotonic() + delay, number + 1, hire))
        else:
            self.unacknowledged.append(hire)


def test_a_30_second_database_outage_loses_no_hire(load_config, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("cutting the database's network needs a database server; SQLite is a file")
    db = connection.settings_dict
    hires = [new_hire(i, SIGNATURE_TOKEN) for i in range(HIRES)]

    with (
        # Lever answering in 0.3 s leaves time to cut the database in the middle of a delivery,
        # so that work is interrupted, not just delayed.
        FaultyLever(latency_seconds=0.3) as lever,
        DatabaseProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)) as proxy,
        contextlib.ExitStack() as running,  # stops the processes whatever happens
    ):
        for hire in hires:
            lever.add_hire(hire.opportunity_id, hire.contact_id, hire.name, hire.email)
        env = product_env(
            database_url(port=proxy.port),
            LEVER_API_URL=lever.api_url,
            LEVER_AUTH_URL=lever.api_url.removesuffix("/v1"),
            LEVER_RATE_LIMIT_PER_SECOND=50,
            LEVER_RETRY_BASE_SECONDS=0.2,
            LEVER_PROCESSING_LEASE_SECONDS=10,
            LEVER_LOST_TASK_GRACE_SECONDS=3,
            EMAIL_URL="dummymail://",
        )
        web = WebServer(env, tmp_path / "web.log")
        running.callback(web.stop)
        workers = Workers(2, env, tmp_path / "worker.log")
        running.callback(workers.stop)
        sender = Sender(web.webhook_url(SUBDOMAIN))
        lever_side = Lever(sender, hires)
        try:
            started = time.monotonic()
            lever_side.start()
            time.sleep(OUTAGE_AFTER_SECONDS)
            # Cut while a worker is in the middle of a delivery (waiting for Lever).
            wait_for(
                WebhookDelivery.objects.filter(status=Status.PROCESSING).exists, 5, interval=0.01
            )
            cut_at = time.monotonic()
            proxy.cut()
            time.sleep(OUTAGE_SECONDS)
            proxy.restore()
            restored_at = time.monotonic()
            lever_side.join(timeout=FINISH_TIMEOUT_SECONDS)
            finished = wait_for(
                lambda: (
                    Person.objects.count() == HIRES
                    and not WebhookDelivery.objects.exclude(status=Status.PROCESSED).exists()
                ),
                FINISH_TIMEOUT_SECONDS,
            )
            elapsed = time.monotonic() - started
        finally:
            proxy.restore()
            sender.close()

    worker_log = (tmp_path / "worker.log").read_text()
    assert not lever_side.is_alive()
    assert finished, list(WebhookDelivery.objects.exclude(status=Status.PROCESSED).values())[:5]

    # While the database was away the webhook said so with 503, so Lever kept the hires and
    # retried; after it came back every hire was acknowledged.
    during = [answer for s, f, answer in lever_side.attempts if cut_at < s and f < restored_at]
    assert during, "no hire was sent during the outage"
    assert set(during) == {"503"}
    assert lever_side.unacknowledged == []
    resent = len(lever_side.attempts) - HIRES
    failed_first = len({h.token for h in hires}) - sum(
        1 for h in hires if sender.answers.by_token[h.token][0].startswith("200")
    )

    # Every hire recorded exactly once, every delivery processed.
    deliveries = WebhookDelivery.objects.all()
    assert sorted(d.token for d in deliveries) == sorted(h.token for h in hires)
    people = Person.objects.all()
    assert sorted(p.person_code for p in people) == sorted(h.person_code for h in hires)
    assert EmploymentDetails.objects.count() == HIRES
    open_tasks = Task.objects.filter(status=Task.Status.OPEN)
    assert sorted(open_tasks.values_list("person_id", flat=True)) == sorted(p.pk for p in people)
    # Work interrupted by the cut (a claim the worker could not finish) was recovered.
    assert max(d.attempts for d in deliveries) >= 2
    started_entries = LogEntry.objects.filter(message__startswith="New Hire Process started")
    assert sorted(started_entries.values_list("delivery_id", flat=True)) == sorted(
        d.pk for d in deliveries
    )

    # The workers lived through it: none crashed and had to be restarted by the supervisor.
    assert workers.crashes == []
    assert "Lost the database" in worker_log
    print(
        f"\n[outage] {HIRES} hires at {1 / SEND_INTERVAL_SECONDS:.0f}/s, database cut for "
        f"{OUTAGE_SECONDS} s after {OUTAGE_AFTER_SECONDS} s: {len(during)} answers during the "
        f"cut, all 503; {failed_first} hires not acknowledged at first, {resent} re-sends by "
        f"Lever; connections refused by the proxy "
        f"{proxy.refused}; all {HIRES} recorded once {elapsed:.1f} s after start; worker "
        f"exits {workers.exit_codes}; 'Lost the database' warnings "
        f"{worker_log.count('Lost the database')}; recovery re-queues "
        f"{worker_log.count('Re-enqueued')}; max attempts "
        f"{max(d.attempts for d in deliveries)}"
    )
