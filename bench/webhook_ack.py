"""Benchmark (a) and (c, web): how fast the webhook acknowledges signed candidateHired deliveries,
next to the no-op /healthz view on the same gunicorn in the same run.

    .venv/bin/python bench/webhook_ack.py [--databases sqlite postgres] [--seconds 15]

For each database: a fresh database, migrate, one enabled config; gunicorn as docs/operations.md
runs it (4 sync workers, DEBUG off, production settings from the environment) on a free port; no
worker process, so only acknowledgement is measured (deliveries and their queued tasks pile up).
Load comes from wrk (Debian's `wrk` package), one thread and 16 connections, with a Lua script
that sends each pre-signed body (unique token, triggeredAt now) once. Prints the figures and
rewrites the "webhook-ack" section of docs/benchmarks.md.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402 - after the path fix above
    SIGNATURE_TOKEN,
    SUBDOMAIN,
    PeakRSS,
    drop_database,
    free_port,
    fresh_database,
    machine,
    manage,
    postgres_version,
    print_profile,
    production_env,
    run_django,
    start_gunicorn,
    start_profiler,
    stop,
    update_doc_section,
)
from integrations.lever.signatures import compute_signature  # noqa: E402 - plain function

CONNECTIONS = 16
RUNS = ("webhook", "single")  # the runs that send deliveries
# The product's default (settings.py) unless the environment says otherwise; 0 is a connection
# per request.
CONN_MAX_AGE = os.environ.get("CONN_MAX_AGE", "60")
GUNICORN_ARGS = ["--workers", "4"]
WEBHOOK_PATH = f"/cezannehr/api/v4/Lever/webhook/{SUBDOMAIN}"
LUA = """
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end
function init(args)
  bodies = {}
  local n = 0
  for line in io.lines(args[1]) do
    if n % tonumber(args[2]) == id then bodies[#bodies + 1] = line end
    n = n + 1
  end
  i = 0
end
function request()
  i = i + 1
  if i > #bodies then i = 1 end
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, bodies[i])
end
"""
SETUP_CONFIG = f"""
from django.utils import timezone
from integrations.models import IntegrationConfig
IntegrationConfig.objects.create(
    subdomain={SUBDOMAIN!r}, signature_token={SIGNATURE_TOKEN!r},
    status=IntegrationConfig.Status.AUTHORISED, authorised_at=timezone.now(),
)
"""
COUNT_DELIVERIES = """
from django_tasks_db.models import DBTaskResult
from integrations.models import WebhookDelivery
print(WebhookDelivery.objects.filter(status="received").count(), DBTaskResult.objects.count())
"""


def write_bodies(path, count):
    now_ms = int(time.time() * 1000)
    run = secrets.token_hex(4)
    with path.open("w") as out:
        for number in range(count):
            token = f"bench-{run}-{number:07d}"
            body = {
                "event": "candidateHired",
                "token": token,
                "triggeredAt": now_ms,
                "signature": compute_signature(SIGNATURE_TOKEN, token, now_ms),
                "data": {
                    "opportunityId": f"00000000-0000-4000-8000-{number:012d}",
                    "candidateId": f"00000000-0000-4000-8000-{number:012d}",
                    "contactId": f"00000000-0000-4000-9000-{number:012d}",
                    "fromStageId": None,
                    "toStageId": None,
                    "fromArchived": None,
                    "toArchived": "63dd55b2-a99f-4e7b-985f-22c7bf80ab42",
                },
            }
            out.write(json.dumps(body) + "\n")


def wrk(url, seconds, script=None, script_args=(), connections=CONNECTIONS):
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *map(str, script_args)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def parse_wrk(output):
    def latency_ms(label):
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency_ms("50"),
        "p99": latency_ms("99"),
        "requests": requests,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1) if errors else "none",
    }


def bench_database(kind, seconds, workdir, profile=None):
    database_url = fresh_database(kind)
    port = free_port()
    env = production_env(database_url, port, CONN_MAX_AGE=CONN_MAX_AGE)
    try:
        manage(env, "migrate", "--no-input", "-v", "0")
        run_django(env, SETUP_CONFIG)
        bodies = workdir / f"bodies-{kind}.jsonl"
        write_bodies(bodies, 60_000)
        single_bodies = workdir / f"single-{kind}.jsonl"
        write_bodies(single_bodies, 5_000)
        script = workdir / "webhook.lua"
        script.write_text(LUA)
        base = f"http://127.0.0.1:{port}"
        with PeakRSS() as memory:
            server = start_gunicorn(env, port, *GUNICORN_ARGS)
            memory.watch("web", server.pid)
            try:
                wrk(f"{base}/healthz", 3)  # warm-up: every worker imports and connects
                load_before = os.getloadavg()[0]
                healthz = wrk(f"{base}/healthz", seconds)
                profiler = start_profiler(server.pid, seconds, workdir / f"{kind}.txt", profile)
                webhook = wrk(f"{base}{WEBHOOK_PATH}", seconds, script, (bodies, 1))
                # One sender at a time, as Lever's few webhooks a minute arrive: the latency of a
                # single acknowledgement with no queueing in front of it.
                single = wrk(f"{base}{WEBHOOK_PATH}", 5, script, (single_bodies, 1), 1)
                if profiler:
                    profiler.wait()
                    print_profile(workdir / f"{kind}.txt")
                load_after = os.getloadavg()[0]
            finally:
                stop(server)
        stored, tasks = map(int, run_django(env, COUNT_DELIVERIES).split())
    finally:
        drop_database(kind)
    return {
        "kind": kind,
        "healthz": healthz,
        "webhook": webhook,
        "single": single,
        "stored": stored,
        "tasks": tasks,
        "web_rss_mib": memory.peak_mib("web"),
        "load": f"{load_before:.1f} → {load_after:.1f}",
    }


def report(results, seconds, command):
    lines = [
        f"## (a) Webhook acknowledgement under gunicorn, CONN_MAX_AGE={CONN_MAX_AGE}",
        "",
        f"Reproduce: `{command}`  ",
        f"Machine: {machine()}; PostgreSQL {postgres_version()} on the same host.  ",
        f"Server: `gunicorn cezanne_lever.wsgi {' '.join(GUNICORN_ARGS)}` (sync workers, as in "
        "docs/operations.md), DEBUG off, production settings from the environment, "
        f"`CONN_MAX_AGE={CONN_MAX_AGE}`, no db_worker running.  ",
        f"Load: `wrk -t1 -c{CONNECTIONS} -d{seconds}s --latency` on the same 2 cores; the "
        "webhook run sends pre-signed `candidateHired` bodies, each with its own token.",
        "",
        "| database | endpoint | requests/s | p50 ms | p99 ms | requests | non-2xx |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        rows = (
            ("/healthz", result["healthz"]),
            ("webhook", result["webhook"]),
            ("webhook, 1 sender (`-c1 -d5s`)", result["single"]),
        )
        for name, figures in rows:
            lines.append(
                f"| {result['kind']} | {name} | {figures['rps']:.0f} | {figures['p50']:.1f} | "
                f"{figures['p99']:.1f} | {figures['requests']} | {figures['non_2xx']} |"
            )
    lines += [
        "",
        "| database | webhook / healthz throughput | goal ≥ 60% | webhook p99 | goal "
        "< 100 ms | deliveries stored (2xx answers) | tasks queued | peak RSS of one web "
        "process | load average (1 min) |",
        "| --- | ---: | --- | ---: | --- | ---: | ---: | ---: | --- |",
    ]
    for result in results:
        ratio = result["webhook"]["rps"] / result["healthz"]["rps"]
        p99 = result["webhook"]["p99"]
        accepted = sum(result[run]["requests"] - result[run]["non_2xx"] for run in RUNS)
        lines.append(
            f"| {result['kind']} | {ratio:.0%} | {'met' if ratio >= 0.6 else 'missed'} | "
            f"{p99:.1f} ms | {'met' if p99 < 100 else 'missed'} | {result['stored']} "
            f"({accepted}) | {result['tasks']} | {result['web_rss_mib']:.0f} MiB | "
            f"{result['load']} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--no-doc", action="store_true", help="print only")
    parser.add_argument("--profile", action="store_true", help="py-spy the webhook run")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="cezanne-bench-") as workdir:
        results = [
            bench_database(kind, args.seconds, Path(workdir), args.profile)
            for kind in args.databases
        ]
    prefix = f"CONN_MAX_AGE={CONN_MAX_AGE} " if "CONN_MAX_AGE" in os.environ else ""
    command = prefix + "python bench/webhook_ack.py " + " ".join(sys.argv[1:])
    text = report(results, args.seconds, command.strip())
    print(text)
    if not args.no_doc:
        update_doc_section(f"webhook-ack-conn-max-age-{CONN_MAX_AGE}", text)


if __name__ == "__main__":
    main()
