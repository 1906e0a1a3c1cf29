"""Part 2 of "Prove it": 500 hires over real HTTP to the real webhook (gunicorn), with 20 %
duplicate deliveries, 5 % forged or replayed bodies, 10 % of Lever API calls failing (500, 503,
429, timeouts, dropped connections) and worker processes killed with SIGKILL mid-run.

Every genuine hire must end as exactly one Person, one Employment Details and one open New
Starter task; nothing may come of a forged body; every delivery ends processed, none stuck.
Figures are printed (run with -s) and recorded in docs/faults-and-load.md.
"""

import contextlib
import random
import threading
import time

import pytest
from django.db import connection, connections

from hr.models import EmploymentDetails, Person, Task
from integrations.hiring import MAX_ATTEMPTS
from integrations.models import LogEntry, WebhookDelivery
from tests.lever_payloads import SIGNATURE_TOKEN
from tests.load.conftest import SUBDOMAIN
from tests.load.fake_lever import FaultyLever
from tests.load.lever_sender import Sender, forged, is_success, new_hire
from tests.load.processes import WebServer, Workers, product_env, wait_for
from tests.processes import database_url

pytestmark = [
    pytest.mark.load,
    pytest.mark.django_db(transaction=True),
]

HIRES = 500
DUPLICATES = HIRES * 20 // 100
FORGERIES = HIRES * 5 // 100
FAULT_RATE = 0.10
KILLS = 4
FINISH_TIMEOUT_SECONDS = 180
Status = WebhookDelivery.Status


def worker_count():
    # Two workers at once where the database takes concurrent writers; SQLite has one writer.
    return 2 if connection.vendor == "postgresql" else 1


def unfinished():
    return WebhookDelivery.objects.filter(status__in=[Status.RECEIVED, Status.PROCESSING])


class Chaos(threading.Thread):
    """Kills a worker (SIGKILL) whenever deliveries are being processed, every `every` seconds,
    `kills` times in all; the replacement starts at once, as a process manager would."""

    def __init__(self, workers, kills, every=2.0):
        super().__init__(daemon=True)
        self.workers, self.kills, self.every = workers, kills, every
        self.in_flight_at_kill = []
        self.stopped = threading.Event()

    def run(self):
        try:
            while len(self.in_flight_at_kill) < self.kills and not self.stopped.wait(self.every):
                in_flight = WebhookDelivery.objects.filter(status=Status.PROCESSING).count()
                if in_flight:
                    self.workers.kill_one(len(self.in_flight_at_kill) % len(self.workers.processes))
                    self.in_flight_at_kill.append(in_flight)
        finally:
            connections.close_all()


def test_500_hires_survive_duplicates_forgeries_lever_faults_and_killed_workers(
    load_config, tmp_path
):
    rng = random.Random(500)
    hires = [new_hire(i, SIGNATURE_TOKEN) for i in range(HIRES)]
    forgeries = [forged(i, SIGNATURE_TOKEN, rng.choice(hires)) for i in range(FORGERIES)]
    sends = [("genuine", hire.body) for hire in hires]
    sends += [("duplicate", rng.choice(hires).body) for _ in range(DUPLICATES)]
    sends += [(kind, hire.body) for kind, hire in forgeries]
    rng.shuffle(sends)

    with (
        FaultyLever(fault_rate=FAULT_RATE, slow_seconds=1.0) as lever,
        contextlib.ExitStack() as running,  # stops the processes whatever happens
    ):
        for hire in hires + [hire for _, hire in forgeries]:
            lever.add_hire(hire.opportunity_id, hire.contact_id, hire.name, hire.email)
        env = product_env(
            database_url(),
            LEVER_API_URL=lever.api_url,
            LEVER_AUTH_URL=lever.api_url.removesuffix("/v1"),
            LEVER_RATE_LIMIT_PER_SECOND=50,
            LEVER_RETRY_BASE_SECONDS=0.2,
            LEVER_READ_TIMEOUT_SECONDS=0.5,
            LEVER_PROCESSING_LEASE_SECONDS=10,
            LEVER_LOST_TASK_GRACE_SECONDS=3,
            EMAIL_URL="dummymail://",
        )
        started = time.monotonic()
        web = WebServer(env, tmp_path / "web.log")
        running.callback(web.stop)
        workers = Workers(worker_count(), env, tmp_path / "worker.log")
        running.callback(workers.stop)
        chaos = Chaos(workers, KILLS)
        sender = Sender(web.webhook_url(SUBDOMAIN))
        try:
            chaos.start()
            answers = sender.send_all([body for _, body in sends])
            sent_seconds = time.monotonic() - started
            # Lever re-sends what was not acknowledged (a 503 when SQLite is busy, say).
            resends = 0
            for index, ((kind, body), answer) in enumerate(zip(sends, answers, strict=True)):
                while kind in ("genuine", "duplicate") and not is_success(answer) and resends < 50:
                    resends += 1
                    time.sleep(0.5)
                    answer = answers[index] = sender.send(body)
            finished = wait_for(lambda: not unfinished().exists(), FINISH_TIMEOUT_SECONDS)
            elapsed = time.monotonic() - started
            chaos.stopped.set()
            chaos.join(timeout=10)
        finally:
            chaos.stopped.set()
            sender.close()

    worker_log = (tmp_path / "worker.log").read_text()
    assert finished, f"still unfinished: {list(unfinished().values('pk', 'status'))[:10]}"

    # What Lever was told (after its re-sends): genuine bodies accepted exactly once, copies
    # acknowledged as duplicates, forged and replayed bodies refused. (Were a 503 ever re-sent,
    # its first try might have been stored after all, making the re-send a duplicate.)
    by_kind = {}
    for (kind, _), answer in zip(sends, answers, strict=True):
        by_kind.setdefault(kind, []).append(answer)
    accepted = [
        a for kind in ("genuine", "duplicate") for a in by_kind[kind] if a == "200 accepted"
    ]
    assert len(accepted) == HIRES or (resends and len(accepted) >= HIRES - resends)
    assert set(by_kind["genuine"] + by_kind["duplicate"]) <= {"200 accepted", "200 duplicate"}
    refused = [a for kind in {kind for kind, _ in forgeries} for a in by_kind[kind]]
    assert refused == ["403"] * FORGERIES

    # Exactly one delivery per genuine hire, each processed on its own: none failed (the
    # injected faults are transient and the attempts were never exhausted), none left behind.
    deliveries = WebhookDelivery.objects.all()
    assert sorted(d.token for d in deliveries) == sorted(hire.token for hire in hires)
    assert {d.status for d in deliveries} == {Status.PROCESSED}
    assert all(1 <= d.attempts <= MAX_ATTEMPTS and d.last_error == "" for d in deliveries)

    # Exactly one Person, Employment Details and open New Starter task per genuine hire.
    people = Person.objects.all()
    assert sorted(p.person_code for p in people) == sorted(h.person_code for h in hires)
    assert EmploymentDetails.objects.count() == HIRES
    assert sorted(EmploymentDetails.objects.values_list("person_id", flat=True)) == sorted(
        p.pk for p in people
    )
    open_tasks = Task.objects.filter(status=Task.Status.OPEN)
    assert sorted(open_tasks.values_list("person_id", flat=True)) == sorted(p.pk for p in people)

    # Nothing came of the forged bodies: their opportunities were never even fetched.
    assert not Person.objects.filter(
        lever_contact_id__in=[hire.contact_id for _, hire in forgeries]
    ).exists()
    assert all(lever.requested(hire.opportunity_id) == 0 for _, hire in forgeries)

    # A Log entry per outcome: the "started" entry on every delivery, no error anywhere, and
    # the refusals noted for the administrator.
    started_entries = LogEntry.objects.filter(message__startswith="New Hire Process started")
    assert sorted(started_entries.values_list("delivery_id", flat=True)) == sorted(
        d.pk for d in deliveries
    )
    assert not LogEntry.objects.filter(level=LogEntry.Level.ERROR).exists()
    assert LogEntry.objects.filter(message__contains="signature did not match").exists()
    assert LogEntry.objects.filter(message__contains="too old").exists()

    # The faults and the kills really happened.
    assert sum(lever.faults.values()) >= HIRES * FAULT_RATE / 2
    assert len(chaos.in_flight_at_kill) == KILLS
    assert workers.crashes == []
    retried = deliveries.filter(attempts__gt=1).count()
    print(
        f"\n[load] {connection.vendor}: {HIRES} hires + {DUPLICATES} duplicates + {FORGERIES} "
        f"forged/replayed sent in {sent_seconds:.1f} s; all processed {elapsed:.1f} s after "
        f"start with {worker_count()} worker(s); Lever calls {sum(lever.calls.values())}, "
        f"faults {dict(lever.faults)}; kills {KILLS} (in flight {chaos.in_flight_at_kill}); "
        f"deliveries needing more than one attempt {retried}; workers exited on "
        f"their own {workers.exit_codes}; re-sends {resends}; "
        f"retry warnings {LogEntry.objects.filter(message__contains='tried again').count()}; "
        f"recovery sweeps that re-queued work {worker_log.count('Re-enqueued')}"
    )
