"""A tiny stand-in for Lever's data API on a free local port, for tests that run a real worker
process (which cannot see `responses` mocks in the test process)."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.lever_payloads import fixture

ROUTES = {
    re.compile(r"^/v1/opportunities/([\w-]+)$"): "opportunity__hired",
    re.compile(r"^/v1/archive_reasons/([\w-]+)$"): "archive_reason__hired",
}


class LeverStub:
    """Answers every opportunity and archive reason from the fixtures. `hold` makes opportunity
    requests wait until `release()`, to catch a worker in the middle of a delivery."""

    def __init__(self):
        self.requests = []
        self.held = threading.Event()
        self.released = threading.Event()
        self.released.set()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                stub.requests.append((self.path, self.headers.get("Authorization")))
                for pattern, name in ROUTES.items():
                    if pattern.match(self.path):
                        if name.startswith("opportunity"):
                            stub.held.set()
                            stub.released.wait(timeout=30)
                        return self.reply(200, fixture(name))
                return self.reply(404, {"code": "ResourceNotFound", "message": "Not found"})

            def reply(self, status, body):
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def api_url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def hold(self):
        self.released.clear()

    def release(self):
        self.released.set()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release()
        self.server.shutdown()
        self.server.server_close()
