"""Lever payloads for tests: the fixtures in tests/fixtures/lever, signed with the real HMAC."""

import copy
import json
import secrets
import time
from functools import cache
from pathlib import Path

from integrations.lever.signatures import compute_signature

FIXTURES = Path(__file__).parent / "fixtures" / "lever"
SIGNATURE_TOKEN = "whsec-candidate-hired-7d1f0c9e3b5a"
OPPORTUNITY_ID = "250d8f03-738a-4bba-a671-8a3d73477145"
CONTACT_ID = "7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910"
HIRED_REASON_ID = "63dd55b2-a99f-4e7b-985f-22c7bf80ab42"
PERSON_CODE = "LEV-" + CONTACT_ID.replace("-", "").upper()


@cache
def _load(name):
    return json.loads((FIXTURES / f"{name}.json").read_text())


def fixture(name):
    """A fresh copy of tests/fixtures/lever/<name>.json (e.g. "opportunity__hired")."""
    return copy.deepcopy(_load(name))


def now_ms():
    return int(time.time() * 1000)


def signed(name="candidateHired__default", *, signature_token=SIGNATURE_TOKEN, **overrides):
    """A webhook body as Lever sends it: a fresh token, triggeredAt now, the real signature."""
    body = fixture(name)
    body["token"] = secrets.token_hex(24)
    body["triggeredAt"] = now_ms()
    body.update(overrides)
    body["signature"] = compute_signature(signature_token, body["token"], body["triggeredAt"])
    return body
