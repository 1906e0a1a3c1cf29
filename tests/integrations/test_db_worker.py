"""The worker loop outlives a lost database connection instead of exiting."""

import pytest
from django.db.utils import InterfaceError, OperationalError, ProgrammingError
from django_tasks_db.management.commands import db_worker as library_worker

from integrations.management.commands import db_worker


def worker():
    return db_worker.ResilientWorker(
        queue_names=["default"],
        interval=0.1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )


@pytest.fixture
def pauses(monkeypatch):
    slept = []
    monkeypatch.setattr(db_worker, "sleep", slept.append)
    return slept


def fail_then_return(monkeypatch, *errors):
    runs = []

    def run(self):
        runs.append(self)
        if len(runs) <= len(errors):
            raise errors[len(runs) - 1]
        return "done"

    monkeypatch.setattr(library_worker.Worker, "run", run)
    return runs


def test_a_lost_database_pauses_and_runs_the_loop_again(monkeypatch, pauses):
    lost = OperationalError("server closed the connection unexpectedly")
    runs = fail_then_return(monkeypatch, lost, lost, InterfaceError("connection already closed"))
    assert worker().run() == "done"
    assert len(runs) == 4
    assert pauses == [0.5, 1.0, 2.0]


def test_the_pause_is_capped(monkeypatch, pauses):
    fail_then_return(monkeypatch, *[OperationalError("connection refused")] * 6)
    worker().run()
    assert pauses == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


def test_other_database_errors_still_stop_the_worker(monkeypatch, pauses):
    # A missing table (migrations not run) will not heal by waiting: fail loudly.
    fail_then_return(monkeypatch, ProgrammingError("relation does not exist"))
    with pytest.raises(ProgrammingError):
        worker().run()
    assert pauses == []


def test_the_command_runs_the_resilient_worker(monkeypatch):
    used = []
    monkeypatch.setattr(db_worker.ResilientWorker, "run", lambda self: used.append(type(self)))
    monkeypatch.setattr(db_worker, "sweep", lambda: 0)
    db_worker.Command().run_from_argv(
        ["manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay"]
    )
    assert used == [db_worker.ResilientWorker]
    assert library_worker.Worker is not db_worker.ResilientWorker  # put back afterwards
