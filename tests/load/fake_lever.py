"""Lever's data API played by a local HTTP server, with injected faults.

Every hire the test sends is registered here as a hired opportunity. A fraction `fault_rate` of
the calls fails, spread evenly over what Lever really does when it is unwell: 500 and 503
answers, 429 (half of them with a short Retry-After), an answer slower than the worker's read
timeout, and a connection closed without an answer. The worker reaches it through the product's
real LeverClient over HTTP; only LEVER_API_URL points here.
"""

import collections
import json
import random
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.lever_payloads import HIRED_REASON_ID, fixture

FAULT_KINDS = ("500", "503", "429", "429-retry-after", "timeout", "dropped")
OPPORTUNITY_PATH = re.compile(r"^/v1/opportunities/([\w-]+)$")
REASON_PATH = re.compile(r"^/v1/archive_reasons/([\w-]+)$")
ACCESS_TOKEN = "load-test-access-token"


class FaultyLever:
    def __init__(self, *, fault_rate=0.0, slow_seconds=2.0, latency_seconds=0.0, seed=20261203):
        self.fault_rate = fault_rate
        self.latency_seconds = latency_seconds  # added to every answer
        self.slow_seconds = slow_seconds  # longer than the worker's LEVER_READ_TIMEOUT_SECONDS
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.opportunities = {}
        self.calls = collections.Counter()  # path -> calls
        self.faults = collections.Counter()  # kind -> how many were injected
        lever = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Lever's API does

            def do_GET(self):  # noqa: N802 - http.server's naming
                lever.answer(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def api_url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def add_hire(self, opportunity_id, contact_id, name, email):
        opportunity = fixture("opportunity__hired")["data"]
        opportunity.update(
            id=opportunity_id,
            contact=contact_id,
            name=name,
            emails=[email],
            phones=[{"type": "mobile", "value": "+44 7700 900123"}],
        )
        self.opportunities[opportunity_id] = opportunity

    def requested(self, opportunity_id):
        return self.calls[f"/v1/opportunities/{opportunity_id}"]

    def answer(self, handler):
        with self.lock:
            self.calls[handler.path] += 1
            fault = None
            if self.random.random() < self.fault_rate:
                fault = self.random.choice(FAULT_KINDS)
                self.faults[fault] += 1
        time.sleep(self.latency_seconds)
        if handler.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
            return reply(handler, 401, {"code": "UnauthorizedError", "message": "Bad token"})
        if fault == "dropped":
            handler.close_connection = True  # no answer at all: the client sees a reset
            return None
        if fault == "timeout":
            time.sleep(self.slow_seconds)
            handler.close_connection = True
            return None
        if fault is not None:
            status = int(fault[:3])
            headers = {"Retry-After": "1"} if fault == "429-retry-after" else {}
            return reply(handler, status, {"code": "Injected", "message": "Try later"}, headers)
        if match := OPPORTUNITY_PATH.match(handler.path):
            opportunity = self.opportunities.get(match[1])
            if opportunity is not None:
                return reply(handler, 200, {"data": opportunity})
        elif (match := REASON_PATH.match(handler.path)) and match[1] == HIRED_REASON_ID:
            return reply(handler, 200, fixture("archive_reason__hired"))
        return reply(handler, 404, {"code": "ResourceNotFound", "message": "Not found"})

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def reply(handler, status, body, headers=None):
    payload = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(payload)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(payload)
