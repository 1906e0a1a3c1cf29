"""Shared plumbing for the benchmarks: production-like settings, a fresh database, gunicorn and
worker processes, peak-RSS sampling, and updating a section of docs/benchmarks.md.

The benchmarks never import Django settings themselves: each database needs a fresh process with
its own DATABASE_URL, so Django code runs in `python -c` subprocesses (`run_django`).
"""

import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BENCH_DB = "bench_fuzz"
PG_ADMIN = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1"]
PG_URL = f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"
SIGNATURE_TOKEN = "bench-signature-token-0123456789"
SUBDOMAIN = "BenchCo"
# One key for the whole run: the config's encrypted fields are written by one process and read by
# gunicorn and the workers.
FERNET_KEY = Fernet.generate_key().decode()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(kind):
    """A DATABASE_URL for an empty database of `kind` ("sqlite" or "postgres")."""
    if kind == "postgres":
        subprocess.run([*PG_ADMIN, "-c", f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"])
        subprocess.run([*PG_ADMIN, "-c", f"CREATE DATABASE {BENCH_DB}"], check=True)
        return PG_URL
    directory = Path(tempfile.mkdtemp(prefix="cezanne-bench-"))
    return f"sqlite:///{directory / 'bench.sqlite3'}"


def drop_database(kind):
    if kind == "postgres":
        subprocess.run([*PG_ADMIN, "-c", f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"])


def production_env(database_url, port, **extra):
    """DEBUG off and the settings a production deployment must give (docs/operations.md)."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "s" * 50,
        "FIELD_ENCRYPTION_KEYS": FERNET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "LEVER_SANDBOX": "false",
        "DATABASE_URL": database_url,
        "EMAIL_URL": "dummymail://",
        "LEVER_CLIENT_ID": "sandbox-client-id",
        "LEVER_CLIENT_SECRET": "sandbox-client-secret",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def run_django(env, code):
    """Run `code` with Django set up; returns its stdout (print results from the code)."""
    prelude = "import django; django.setup()\n"
    result = subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "cezanne_lever.settings"},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RuntimeError(f"Django code failed:\n{result.stderr}")
    return result.stdout


def start_gunicorn(env, port, *extra_args, log_path=None):
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "cezanne_lever.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        *extra_args,
    ]
    if log_path:
        command += ["--access-logfile", str(log_path), "--access-logformat", "%(s)s %(U)s"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    wait_until_up(f"http://127.0.0.1:{port}/healthz")
    return process


def wait_until_up(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - our own local server
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def stop(process, timeout=15):
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class PeakRSS:
    """Samples the resident memory of processes (and their children) every 0.1 s in a thread;
    `peak_mib(label)` is the largest single process seen under that label."""

    def __init__(self):
        self.roots = {}
        self.peaks = {}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def watch(self, label, pid):
        self.roots.setdefault(label, []).append(pid)

    def _sample(self):
        for label, pids in list(self.roots.items()):
            for pid in pids:
                try:
                    root = psutil.Process(pid)
                    for process in [root, *root.children(recursive=True)]:
                        rss = process.memory_info().rss
                        self.peaks[label] = max(self.peaks.get(label, 0), rss)
                except psutil.Error:
                    continue

    def _run(self):
        while not self.stopped.wait(0.1):
            self._sample()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()

    def peak_mib(self, label):
        return self.peaks.get(label, 0) / 2**20


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        cpu = model
    except (OSError, StopIteration):
        pass
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"{psutil.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def postgres_version():
    result = subprocess.run(
        [*PG_ADMIN, "-At", "-c", "SHOW server_version"], capture_output=True, text=True
    )
    return result.stdout.strip()


def update_doc_section(name, markdown):
    """Replace the text between <!-- bench:name --> and <!-- /bench:name --> in
    docs/benchmarks.md (appending the section if it is not there yet)."""
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else f"{text}\n{block}\n"
    DOC.write_text(text)


def start_profiler(pid, seconds, path, profile, idle=False):
    """py-spy sampling a process and its children for `seconds` (only when `profile`)."""
    if not profile:
        return None
    command = [
        str(Path(sys.executable).with_name("py-spy")),
        "record",
        "--pid",
        str(pid),
        "--subprocesses",
        "--format",
        "raw",
    ]
    command += ["--duration", str(seconds), "--output", str(path), "--nonblocking"]
    if idle:  # count sleeping and waiting too: where a worker's wall-clock time goes
        command.append("--idle")
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def print_profile(path, top=25):
    """The share of samples in which each function appears (inclusive), then by own time."""
    inclusive, own, total = {}, {}, 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        total += int(count)
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + int(count)
        own[frames[-1]] = own.get(frames[-1], 0) + int(count)
    for title, table in (("inclusive", inclusive), ("own", own)):
        print(f"--- py-spy, {title} share of {total} samples")
        for frame, count in sorted(table.items(), key=lambda item: -item[1])[:top]:
            print(f"{count / total:6.1%}  {frame}")
