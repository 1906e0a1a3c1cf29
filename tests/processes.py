"""Real processes for end-to-end tests: `manage.py db_worker` against the test database.

The test process and the subprocess share one database, so tests that use these need
`django_db(transaction=True)` (committed data) and a test database another process can open
(the SQLite test database is a file, see settings).
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.db import connection

WORKER_TIMEOUT_SECONDS = 60


def database_url(port=None):
    """The test database, as child processes should reach it (through `port` if given: a proxy)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{port or db['PORT'] or 5432}/{db['NAME']}"


def process_env(**overrides):
    return {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url(),
        "EMAIL_URL": "consolemail://",
        **overrides,
    }


def worker_command(*extra):
    return [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.2",
        *extra,
    ]


def run_batch_worker(env, *extra):
    """Process everything queued (after the start-up recovery sweep), then exit."""
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        worker_command("--batch", *extra),
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=WORKER_TIMEOUT_SECONDS,
        check=True,
    )


def start_worker(env, *extra):
    return subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        worker_command(*extra),
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(process, sig=signal.SIGTERM):
    """Stop a process and return what it printed."""
    if process.poll() is None:
        process.send_signal(sig)
    try:
        return process.communicate(timeout=15)[0]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[0]


def wait_for(predicate, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False
