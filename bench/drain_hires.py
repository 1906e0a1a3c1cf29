"""Benchmark (b) and (c, worker): draining queued hires with 1, 2 and 4 db_worker processes against
the Lever sandbox at 50 ms latency and Lever's 10 requests/s limit.

    .venv/bin/python bench/drain_hires.py [--databases postgres sqlite] [--hires 1000]
                                          [--workers 1 2 4]

For each database and worker count: a fresh database; the sandbox account set to latency_ms=50,
10 requests/s (burst 20); `--hires` hired candidates in the sandbox; one authorised config; gunicorn
(gthread, 2 x 4 threads) serving both the webhook and the sandbox on a free port, DEBUG off. Every
hire is sent through the webhook as a signed candidateHired while no worker runs; then the workers
start and the clock runs until every delivery is processed. The sandbox's access log gives the
Lever calls and the 429s; the HR tables give duplicates. Rewrites the "drain" section of
docs/benchmarks.md.
"""

import argparse
import json
import os
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402 - after the path fix above
    ROOT,
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

RATE_PER_SECOND = 10
LATENCY_MS = 50
GUNICORN_ARGS = ["--workers", "2", "--threads", "4", "--worker-class", "gthread"]
TIMEOUT_SECONDS = 900
# The product's default (settings.py) unless the environment says otherwise.
CONN_MAX_AGE = os.environ.get("CONN_MAX_AGE", "60")
SETUP = """
import datetime, json
from django.contrib.auth import get_user_model
from django.utils import timezone
from hr.models import Company, Process
from hr.roles import HR_PROFESSIONAL_GROUP, grant_hr_professional_permissions
from django.contrib.auth.models import Group
from integrations.models import IntegrationConfig
from lever_sandbox import accounts, candidates, testing

account = accounts.get_default_account()
account.latency_ms = {latency}
account.rate_limit_per_second = {rate}
account.rate_limit_burst = 20
account.save()
reason = accounts.hired_reason(account)
ids = []
for number in range({hires}):
    candidate = candidates.create_candidate(
        account, f"Bench Person {{number}}", emails=[f"person{{number}}@bench.test"],
        phones=[{{"type": "mobile", "value": "+44 7700 900{{number:03d}}"}}], location="London",
    )
    candidates._archive(candidate, reason)
    ids.append(str(candidate.pk))

grant_hr_professional_permissions()
hr = get_user_model().objects.create_user("hr", "hr@bench.test", is_staff=True)
hr.groups.add(Group.objects.get(name=HR_PROFESSIONAL_GROUP))
company = Company.objects.create(code="BENCH", name="Bench Ltd")
Process.objects.get_or_create(
    name="Enter a New Starter", kind=Process.Kind.NEW_STARTER_WITH_ABSENCES
)
tokens = testing.issue_tokens()
IntegrationConfig.objects.create(
    subdomain={subdomain!r}, signature_token={signature_token!r},
    new_hire_administrator=hr, default_company=company,
    status=IntegrationConfig.Status.AUTHORISED, authorised_at=timezone.now(),
    access_token=tokens.access_token, refresh_token=tokens.refresh_token or "",
    token_expires_at=timezone.now() + datetime.timedelta(hours=1),
)
print(json.dumps(ids))
"""
COUNTS = """
import json
from django.db.models import Count, Max, Min
from hr.models import EmploymentDetails, Person, Task
from integrations.models import WebhookDelivery

deliveries = WebhookDelivery.objects.all()
# claimed_at is cleared when a delivery finishes, so the window runs between the first and
# the last processed_at: n hires finish in n - 1 intervals.
window = deliveries.aggregate(first=Min("processed_at"), last=Max("processed_at"))
print(json.dumps({
    "statuses": dict(Counter(deliveries.values_list("status", flat=True))),
    "attempts": dict(Counter(deliveries.values_list("attempts", flat=True))),
    "seconds": (window["last"] - window["first"]).total_seconds() if window["last"] else None,
    "people": Person.objects.count(),
    "people_codes_twice": Person.objects.values("person_code").annotate(n=Count("id"))
        .filter(n__gt=1).count(),
    "employments": EmploymentDetails.objects.count(),
    "tasks": Task.objects.count(),
}))
""".replace("import json\n", "import json\nfrom collections import Counter\n", 1)
PROCESSED = """
from integrations.models import WebhookDelivery
print(WebhookDelivery.objects.exclude(status__in=["received", "processing"]).count())
"""


def signed_hire(opportunity_id, number):
    now_ms = int(time.time() * 1000)
    token = f"drain-{number:05d}-{opportunity_id}"
    return {
        "event": "candidateHired",
        "token": token,
        "triggeredAt": now_ms,
        "signature": compute_signature(SIGNATURE_TOKEN, token, now_ms),
        "data": {"opportunityId": opportunity_id, "candidateId": opportunity_id},
    }


def send_hires(base, opportunity_ids):
    url = f"{base}/cezannehr/api/v4/Lever/webhook/{SUBDOMAIN}"
    session = requests.Session()

    def send(item):
        number, opportunity_id = item
        response = session.post(url, json=signed_hire(opportunity_id, number), timeout=30)
        return response.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = Counter(pool.map(send, enumerate(opportunity_ids)))
    if statuses != Counter({200: len(opportunity_ids)}):
        raise RuntimeError(f"the webhook did not accept every hire: {statuses}")


def start_workers(env, count):
    import subprocess

    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
    command += ["--interval", "0.2"]
    return [
        subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


def wait_until_drained(env, hires):
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if int(run_django(env, PROCESSED)) >= hires:
            return True
        time.sleep(1)
    return False


def lever_calls(log_path):
    calls = Counter()
    for line in log_path.read_text().splitlines():
        status, _, path = line.partition(" ")
        if path.startswith("/lever-sandbox/v1/"):
            kind = path.split("/")[3]
            calls[(kind, status)] += 1
    return calls


def bench_run(kind, workers, hires, workdir, profile=False):
    database_url = fresh_database(kind)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = production_env(
        database_url,
        port,
        LEVER_SANDBOX="true",
        LEVER_AUTH_URL=f"{base}/lever-sandbox",
        LEVER_API_URL=f"{base}/lever-sandbox/v1",
        LEVER_AUDIENCE=f"{base}/lever-sandbox/v1/",
        LEVER_RATE_LIMIT_PER_SECOND=RATE_PER_SECOND,
        CONN_MAX_AGE=CONN_MAX_AGE,
    )
    log_path = workdir / f"access-{kind}-{workers}.log"
    try:
        manage(env, "migrate", "--no-input", "-v", "0")
        setup = SETUP.format(
            latency=LATENCY_MS,
            rate=RATE_PER_SECOND,
            hires=hires,
            subdomain=SUBDOMAIN,
            signature_token=SIGNATURE_TOKEN,
        )
        opportunity_ids = json.loads(run_django(env, setup))
        with PeakRSS() as memory:
            server = start_gunicorn(env, port, *GUNICORN_ARGS, log_path=log_path)
            memory.watch("web", server.pid)
            try:
                send_hires(base, opportunity_ids)
                started = time.monotonic()
                load_before = os.getloadavg()[0]
                processes = start_workers(env, workers)
                for process in processes:
                    memory.watch("worker", process.pid)
                profile_path = workdir / f"profile-{kind}-{workers}.txt"
                profiler = start_profiler(processes[0].pid, 20, profile_path, profile, idle=True)
                try:
                    drained = wait_until_drained(env, hires)
                    wall = time.monotonic() - started
                    load_after = os.getloadavg()[0]
                    if profiler:
                        profiler.wait()
                        print_profile(profile_path)
                finally:
                    for process in processes:
                        stop(process, timeout=30)
            finally:
                stop(server)
        counts = json.loads(run_django(env, COUNTS))
    finally:
        drop_database(kind)
    calls = lever_calls(log_path)
    total_calls = sum(calls.values())
    return {
        "kind": kind,
        "workers": workers,
        "hires": hires,
        "drained": drained,
        "wall": wall,
        "calls": total_calls,
        "opportunity_calls": sum(n for (k, _), n in calls.items() if k == "opportunities"),
        "reason_calls": sum(n for (k, _), n in calls.items() if k == "archive_reasons"),
        "status_429": sum(n for (_, status), n in calls.items() if status == "429"),
        "other_errors": sum(n for (_, status), n in calls.items() if status not in ("200", "429")),
        "load": f"{load_before:.1f} → {load_after:.1f}",
        "worker_rss_mib": memory.peak_mib("worker"),
        "web_rss_mib": memory.peak_mib("web"),
        **counts,
    }


def report(results, command):
    lines = [
        f"## (b) Draining queued hires against the sandbox, CONN_MAX_AGE={CONN_MAX_AGE}",
        "",
        f"Reproduce: `{command}`  ",
        f"Machine: {machine()}; PostgreSQL {postgres_version()} on the same host.  ",
        f"Sandbox: latency_ms={LATENCY_MS}, {RATE_PER_SECOND} requests/s (burst 20), served with "
        f"the webhook by `gunicorn cezanne_lever.wsgi {' '.join(GUNICORN_ARGS)}`; "
        f"`LEVER_RATE_LIMIT_PER_SECOND={RATE_PER_SECOND}`; workers: `manage.py db_worker "
        "--no-reload --no-startup-delay --interval 0.2`. The hires are queued through the "
        "webhook before any worker starts.  ",
        "Bound: every Lever call takes a 1/rate slot, so N calls take at least (N - 1)/rate "
        "seconds; the bound in hires/s is rate x hires / calls. *Processing time* runs from the "
        "first processed delivery to the last (database timestamps), and hires/s is (hires - 1) "
        "/ that time; *wall* also counts the workers' start-up (Django imports) and this "
        "script's 1 s polling.",
        "",
        "| database | workers | hires processed | processing time s | hires/s | bound hires/s "
        "| % of bound (goal ≥ 90%) | wall s | Lever calls (opportunity + archive reason) "
        "| 429s (goal 0) | other errors | people / employments / tasks (goal = hires) "
        "| person codes twice | peak RSS worker / web | load average (1 min) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: "
        "| --- | --- |",
    ]
    for r in results:
        processed = r["statuses"].get("processed", 0)
        seconds = r["seconds"] or float("nan")
        rate = (processed - 1) / seconds
        bound = r["hires"] * RATE_PER_SECOND / max(r["calls"] - 1, 1)
        lines.append(
            f"| {r['kind']} | {r['workers']} | {processed} of {r['hires']} | {seconds:.1f} | "
            f"{rate:.2f} | {bound:.2f} | {rate / bound:.0%} | {r['wall']:.1f} | "
            f"{r['calls']} ({r['opportunity_calls']} + {r['reason_calls']}) | "
            f"{r['status_429']} | {r['other_errors']} | {r['people']} / {r['employments']} / "
            f"{r['tasks']} | {r['people_codes_twice']} | {r['worker_rss_mib']:.0f} / "
            f"{r['web_rss_mib']:.0f} MiB | {r['load']} |"
        )
    statuses = {f"{r['kind']}/{r['workers']}": r["statuses"] for r in results}
    attempts = {f"{r['kind']}/{r['workers']}": r["attempts"] for r in results}
    lines += ["", f"Delivery statuses: `{statuses}`; attempts: `{attempts}`."]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", default=["postgres"])
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2, 4])
    parser.add_argument("--hires", type=int, default=1000)
    parser.add_argument("--no-doc", action="store_true", help="print only")
    parser.add_argument("--profile", action="store_true", help="py-spy the first worker 20 s")
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cezanne-bench-") as workdir:
        results = []
        for kind in args.databases:
            for workers in args.workers:
                result = bench_run(kind, workers, args.hires, Path(workdir), args.profile)
                print(json.dumps(result))
                results.append(result)
    prefix = f"CONN_MAX_AGE={CONN_MAX_AGE} " if "CONN_MAX_AGE" in os.environ else ""
    command = prefix + "python bench/drain_hires.py " + " ".join(sys.argv[1:])
    text = report(results, command.strip())
    print(text)
    if not args.no_doc:
        update_doc_section(f"drain-conn-max-age-{CONN_MAX_AGE}", text)


if __name__ == "__main__":
    main()
