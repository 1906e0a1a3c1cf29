"""Lever's side of the webhook: genuine hires, re-sent duplicates, forged and replayed bodies.

Signatures are computed here with HMAC-SHA256 directly (not with the product's code), as Lever
does: key = the webhook's signature token, message = token + str(triggeredAt).
"""

import collections
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

STALE_MS = 4 * 24 * 3600 * 1000  # older than the default 3-day window


def sign(signature_token, token, triggered_at):
    message = f"{token}{triggered_at}".encode()
    return hmac.new(signature_token.encode(), message, hashlib.sha256).hexdigest()


def now_ms():
    return int(time.time() * 1000)


@dataclass
class Hire:
    """One candidate hired in Lever, and the webhook body Lever sends for it."""

    opportunity_id: str
    contact_id: str
    name: str
    email: str
    body: dict = field(default_factory=dict)

    @property
    def token(self):
        return self.body["token"]

    @property
    def person_code(self):
        return "LEV-" + self.contact_id.replace("-", "").upper()


def new_hire(index, signature_token, *, triggered_at=None):
    opportunity_id, contact_id = str(uuid.uuid4()), str(uuid.uuid4())
    hire = Hire(opportunity_id, contact_id, f"Load Tester{index:04d} Smith", f"hire{index}@ex.com")
    token = secrets.token_hex(24)
    triggered_at = triggered_at or now_ms()
    hire.body = {
        "event": "candidateHired",
        "triggeredAt": triggered_at,
        "token": token,
        "signature": sign(signature_token, token, triggered_at),
        "data": {
            "opportunityId": opportunity_id,
            "candidateId": opportunity_id,
            "contactId": contact_id,
        },
    }
    return hire


def forged(index, signature_token, genuine):
    """Bodies that must change nothing: a wrong key, a stale event, a reused token re-signed
    with another key. Each names a hire Lever would confirm, so accepting one would show."""
    kind = ("bad-signature", "stale", "reused-token")[index % 3]
    if kind == "stale":
        hire = new_hire(10_000 + index, signature_token, triggered_at=now_ms() - STALE_MS)
    else:
        hire = new_hire(10_000 + index, "not-the-signature-token")
        if kind == "reused-token":
            hire.body["token"] = genuine.token
            hire.body["signature"] = sign("not-the-signature-token", genuine.token, now_ms())
    return kind, hire


@dataclass
class Answers:
    """What the webhook answered, per token, across every send and re-send."""

    by_token: dict = field(default_factory=lambda: collections.defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, token, answer):
        with self.lock:
            self.by_token[token].append(answer)

    def statuses(self):
        return collections.Counter(a for answers in self.by_token.values() for a in answers)


def post(session, url, body, timeout=10):
    """One attempt; returns "200 accepted", "403", "503", "connection error"..."""
    try:
        response = session.post(
            url,
            data=json.dumps(body),
            headers={"Content-Type": "application/json", "User-Agent": "Lever-Webhooks"},
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.RequestException:
        return "connection error"
    if response.status_code == 200:
        return f"200 {response.json().get('status')}"
    return str(response.status_code)


def is_success(answer):
    return answer.startswith("2")


class Sender:
    """Posts bodies from a few threads, as Lever's delivery workers would."""

    def __init__(self, url, threads=8):
        self.url = url
        self.answers = Answers()
        self.pool = ThreadPoolExecutor(max_workers=threads)
        self.local = threading.local()

    def session(self):
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def send(self, body):
        answer = post(self.session(), self.url, body)
        self.answers.add(body["token"], answer)
        return answer

    def send_all(self, bodies):
        return list(self.pool.map(self.send, bodies))

    def close(self):
        self.pool.shutdown(wait=True)
