"""django-tasks-db's `db_worker`, plus recovery of Lever deliveries that would otherwise stall.

A worker killed mid-delivery leaves it `processing`; a task lost between the webhook's commit
and the queue leaves it `received` with nothing to run it. So every worker sweeps once at start
and then every `--recovery-interval` seconds (default 60) in a background thread, putting such
deliveries back in the queue (integrations.hiring.recover_stalled_deliveries). With the default
5-minute processing lease (LEVER_PROCESSING_LEASE_SECONDS), stalled work is running again within
about 6 minutes. Sweeping from several workers at once is harmless: a delivery is claimed by one
conditional UPDATE.

The worker also outlives a database outage: django-tasks-db's loop lets a lost connection
escape and the process exit (and `make run`'s process manager then stops the web server too),
so the loop is restarted after a short pause instead, until the database answers again. Work
interrupted by the outage is picked up by the recovery sweep.

This app is listed before django_tasks_db in INSTALLED_APPS, so `manage.py db_worker` is this.
"""

import contextlib
import logging
import os
import threading
import time

from django.db import close_old_connections, connection, connections
from django.db.utils import InterfaceError, OperationalError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from integrations.hiring import recover_stalled_deliveries

logger = logging.getLogger("integrations.recovery")

DEFAULT_RECOVERY_INTERVAL_SECONDS = 60.0
# Pauses between attempts to reach a lost database: 0.5 s doubling to at most 5 s, so the
# worker is back within seconds of the database without hammering it meanwhile.
FIRST_DATABASE_PAUSE_SECONDS = 0.5
MAX_DATABASE_PAUSE_SECONDS = 5.0
# After this long without losing the database, the pauses start short again.
CALM_AFTER_SECONDS = 60.0


def sleep(seconds):
    """Indirection so tests can skip real waiting."""
    time.sleep(seconds)


def sweep():
    """One recovery pass; never raises (a worker must not die because the sweep failed)."""
    try:
        close_old_connections()
        return recover_stalled_deliveries()
    except Exception:  # a lost database connection, a locked SQLite file...: next pass retries
        logger.exception("Recovery sweep of Lever deliveries failed")
        return 0
    finally:
        connection.close()


def sweep_forever(interval_seconds, stopped):
    while not stopped.wait(interval_seconds):
        sweep()


class ResilientWorker(db_worker.Worker):
    """django-tasks-db's worker loop, restarted when the database connection is lost."""

    def run(self):
        failures, last_failure = 0, 0.0
        while True:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as exc:
                if time.monotonic() - last_failure > CALM_AFTER_SECONDS:
                    failures = 0
                failures, last_failure = failures + 1, time.monotonic()
                pause = min(
                    FIRST_DATABASE_PAUSE_SECONDS * 2 ** (failures - 1), MAX_DATABASE_PAUSE_SECONDS
                )
                logger.warning(
                    "Lost the database (%s); the worker tries again in %.1f s",
                    str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
                    pause,
                )
                forget_connections()
                sleep(pause)


def forget_connections():
    """Drop the broken connections so the next query opens a new one."""
    for alias in connections:
        with contextlib.suppress(OperationalError, InterfaceError):
            connections[alias].close()


class Command(db_worker.Command):
    help = (
        "Run a database background worker, which also re-queues Lever deliveries left behind "
        "by a killed worker or a lost task."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--recovery-interval",
            type=db_worker.valid_interval,
            default=DEFAULT_RECOVERY_INTERVAL_SECONDS,
            help="Seconds between sweeps for stalled Lever deliveries (default: %(default)r).",
        )

    def handle(self, *args, **options):
        interval = options.pop("recovery_interval")
        reloading = options["reload"] and not options["batch"]
        # With --reload the parent process only watches files; the child does the work.
        if not reloading or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            recovered = sweep()
            if recovered:
                logger.warning("Re-queued %d stalled Lever deliveries at start", recovered)
            if not options["batch"] and interval:
                stopped = threading.Event()
                threading.Thread(
                    target=sweep_forever,
                    args=(interval, stopped),
                    name="lever-recovery",
                    daemon=True,
                ).start()
        # django-tasks-db's handle() builds its worker by this module-level name.
        original, db_worker.Worker = db_worker.Worker, ResilientWorker
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
