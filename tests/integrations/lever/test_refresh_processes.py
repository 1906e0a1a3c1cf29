"""The refresh race across real processes: each worker process holds the same expired token,
and a local HTTP stand-in for Lever counts the refresh calls. Exactly one must arrive."""

import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.utils import timezone

from integrations.models import IntegrationConfig
from tests.integrations.lever.conftest import access_token, token_answer
from tests.processes import database_url

ROOT = Path(__file__).resolve().parents[3]
OPP_ID = "250d8f03-738a-4bba-a671-8a3d73477145"
PROCESSES = 4

pytestmark = pytest.mark.e2e


class FakeLever(BaseHTTPRequestHandler):
    """Token endpoint (slow, counting) and the opportunity endpoint (checks the new token)."""

    token_calls = []

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        FakeLever.token_calls.append(time.time())
        time.sleep(0.5)  # a slow token endpoint: the window where a second refresh could start
        self._answer(200, token_answer(n=2))

    def do_GET(self):
        if self.headers.get("Authorization") == f"Bearer {access_token(2)}":
            self._answer(200, {"data": {"id": OPP_ID}})
        else:
            self._answer(401, {"code": "UnauthorizedError", "message": "Invalid token"})

    def _answer(self, status, body):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture
def fake_lever():
    FakeLever.token_calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeLever)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_worker_processes_refresh_an_expired_token_exactly_once(transactional_db, fake_lever):
    config = IntegrationConfig.objects.create(
        subdomain="ProcHR",
        status=IntegrationConfig.Status.AUTHORISED,
        access_token=access_token(1),
        refresh_token="refresh-1",
        token_expires_at=timezone.now() - timedelta(minutes=1),
    )
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url(),
        "LEVER_AUTH_URL": fake_lever,
        "LEVER_API_URL": f"{fake_lever}/v1",
        "LEVER_RATE_LIMIT_PER_SECOND": "100",
    }
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.integrations.lever.refresh_process",
                str(config.pk),
                OPP_ID,
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    try:
        for worker in workers:
            assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
        for worker in workers:  # release them together
            worker.stdin.write("go\n")
            worker.stdin.flush()
        outputs = [worker.communicate(timeout=60) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()

    assert [worker.returncode for worker in workers] == [0] * PROCESSES, outputs
    assert [out.strip() for out, _ in outputs] == [OPP_ID] * PROCESSES
    assert len(FakeLever.token_calls) == 1
    assert IntegrationConfig.objects.get(pk=config.pk).refresh_token == "refresh-2"
