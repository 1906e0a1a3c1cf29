"""The product's own processes for load tests: a gunicorn web server and `db_worker`s, started
as an operator would (same code, configuration through the environment), plus a small process
manager that restarts a worker that exits, as systemd's Restart=always or a container
orchestrator would."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from django.conf import settings

WEBHOOK_PATH = "/cezannehr/api/v4/Lever/webhook/"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def product_env(database, **extra):
    return {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database,
        "LEVER_SANDBOX": "false",
        "LOG_LEVEL": "WARNING",
        **{name: str(value) for name, value in extra.items()},
    }


def spawn(command, env, log_path):
    # A file, not a pipe: a pipe nobody reads fills up and stalls the child.
    with Path(log_path).open("ab") as log:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and project
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )


def stop(process, sig=signal.SIGTERM, timeout=15):
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class WebServer:
    """gunicorn serving the product on a free loopback port."""

    def __init__(self, env, log_path, workers=2, threads=4):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = spawn(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cezanne_lever.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "60",
                "--no-control-socket",  # its default path is shared by every gunicorn here
            ],
            env,
            log_path,
        )
        try:
            self.wait_until_up()
        except BaseException:
            self.stop()  # never leave a server behind when the test fails to start it
            raise

    def webhook_url(self, subdomain):
        return f"{self.url}{WEBHOOK_PATH}{subdomain}"

    def wait_until_up(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the web server exited at start"
            try:
                # GET on the webhook answers 405 without touching the database.
                if requests.get(self.webhook_url("x"), timeout=10).status_code == 405:
                    return
            except requests.RequestException:  # not listening yet, or still loading Django
                pass
            time.sleep(0.2)
        raise AssertionError("the web server did not start")

    def stop(self):
        stop(self.process)


class Workers:
    """`count` real db_worker processes, restarted by a supervisor thread when one exits."""

    def __init__(self, count, env, log_path):
        self.env, self.log_path = env, log_path
        self.lock = threading.Lock()
        self.processes = [self.start() for _ in range(count)]
        self.killed = 0
        self.exit_codes = []  # of workers that exited on their own, each restarted
        self.stopping = threading.Event()
        self.supervisor = threading.Thread(target=self.supervise, daemon=True)
        self.supervisor.start()

    def start(self):
        command = [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.1",
            "--recovery-interval",
            "1",
        ]
        return spawn(command, self.env, self.log_path)

    def supervise(self):
        while not self.stopping.wait(0.5):
            with self.lock:
                for index, process in enumerate(self.processes):
                    if process.poll() is not None:
                        self.exit_codes.append(process.returncode)
                        self.processes[index] = self.start()

    @property
    def crashes(self):
        """Exits other than a requested stop (SIGTERM: graceful, exit code 0)."""
        return [code for code in self.exit_codes if code not in (0, -signal.SIGTERM)]

    def kill_one(self, index):
        """SIGKILL a worker (no clean-up at all) and start its replacement at once."""
        with self.lock:
            victim = self.processes[index]
            victim.kill()
            victim.wait()
            self.killed += 1
            self.processes[index] = self.start()

    def stop(self):
        self.stopping.set()
        self.supervisor.join(timeout=5)
        for process in self.processes:
            stop(process)


def wait_for(predicate, timeout, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
