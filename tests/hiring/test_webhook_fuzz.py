"""Property-based tests of the webhook: whatever arrives, never a 5xx, and never a 2xx unless the
signature is valid (HMAC-SHA256 of token + triggeredAt with the config's signature token) and
recent, on the right subdomain, by POST.

The oracle below re-derives "valid" from Lever's documented rule with hmac, independently of
integrations.lever.signatures. Runs are reproducible: derandomize=True and no example database,
so CI and a laptop generate the same examples. See docs/fuzzing.md.
"""

import hashlib
import hmac
import json
import time
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.lever_payloads import SIGNATURE_TOKEN, fixture

pytestmark = pytest.mark.django_db

WEBHOOK_PATH = "/cezannehr/api/v4/Lever/webhook/"
MAX_BODY_BYTES = 64 * 1024
MAX_AGE_MS = 259200 * 1000
MAX_FUTURE_SKEW_MS = 5 * 60 * 1000
# The database and the client are shared by every example of a test: each example is one request,
# and requests do not depend on one another beyond "the same token twice is a duplicate".
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


def fuzz(examples):
    return settings(FUZZ, max_examples=examples)


def now_ms():
    return int(time.time() * 1000)


def lever_signature(secret, token, triggered_at):
    # surrogatepass: the generated tokens include lone surrogates, which only the product refuses.
    message = f"{token}{triggered_at}".encode("utf-8", "surrogatepass")
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


# --- The oracle -------------------------------------------------------------------------------


def deserves_acceptance(method, subdomain, raw_body):
    """True only when the request is what Lever would send for the config: POST, the config's
    subdomain in any case, a JSON object with a string token, an integer triggeredAt within the
    window, and the right signature. A 2xx for anything else is a bug."""
    if method != "POST" or subdomain.upper() != "ACMEHR" or len(raw_body) > MAX_BODY_BYTES:
        return False
    try:
        envelope = json.loads(raw_body)
    except ValueError:
        return False
    if not isinstance(envelope, dict):
        return False
    token, triggered_at = envelope.get("token"), envelope.get("triggeredAt")
    signature = envelope.get("signature")
    if not (isinstance(token, str) and token and isinstance(signature, str)):
        return False
    if type(triggered_at) is not int:
        return False
    now = now_ms()
    # A minute's leeway either side: the clock moves between the request and this check.
    if not now - MAX_AGE_MS - 60_000 <= triggered_at <= now + MAX_FUTURE_SKEW_MS + 60_000:
        return False
    expected = lever_signature(SIGNATURE_TOKEN, token, triggered_at)
    return hmac.compare_digest(expected.encode(), signature.lower().encode("utf-8", "replace"))


def send(client, *, body, method="POST", subdomain="AcmeHR", content_type=None, extra=None):
    raw = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
    response = client.generic(
        method,
        WEBHOOK_PATH + quote(subdomain, safe=""),
        raw,
        content_type=content_type or "application/json",
        **(extra or {}),
    )
    assert response.status_code < 500, (response.status_code, response.content, raw[:300])
    if 200 <= response.status_code < 300:
        assert deserves_acceptance(method, subdomain, raw), (response.content, raw[:300])
    return response


# --- Strategies -------------------------------------------------------------------------------

methods = st.sampled_from(["POST"] * 6 + ["GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=latin-1",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "application/octet-stream",
        "",
        "garbage/;;;=",
    ]
)
# The config's subdomain in every casing, a few near misses, and anything at all.
subdomain_casings = st.lists(st.booleans(), min_size=6, max_size=6).map(
    lambda upper: "".join(
        c.upper() if u else c.lower() for c, u in zip("acmehr", upper, strict=True)
    )
)
subdomains = st.one_of(
    subdomain_casings,
    subdomain_casings,
    st.sampled_from(["AcmeHR-", "Acme", "AcmeHRx", "ACMEHR ", " acmehr", "acme%hr", "ÀcmeHR"]),
    st.text(min_size=1, max_size=80).filter(lambda s: s not in {".", ".."}),
)
# Request headers that a proxy or a stranger might add (the test client's WSGI environ keys).
extra_headers = st.fixed_dictionaries(
    {},
    optional={
        "CONTENT_LENGTH": st.sampled_from(["", "abc", "-1", "0", "3", "99999999999"]),
        "HTTP_X_FORWARDED_PROTO": st.sampled_from(["https", "http", "ftp"]),
        "HTTP_CONTENT_ENCODING": st.sampled_from(["gzip", "identity"]),
        "HTTP_USER_AGENT": st.text(max_size=50),
    },
)

# JSON may escape a lone surrogate ("\ud800"), which decodes to a str Python cannot encode; plain
# st.text() almost never produces one, so they are mixed in on purpose.
surrogates = st.sampled_from(["\ud800", "\udfff", "a\ud83d", "\ude00z"])
texts = st.one_of(
    st.text(max_size=64),
    st.builds(lambda a, s, b: a + s + b, st.text(max_size=8), surrogates, st.text(max_size=8)),
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    surrogates,
)
arbitrary_json = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)
# Values a field of the envelope might be replaced by: every JSON type, edge numbers, NaN-like
# strings and constants (json.dumps writes NaN and Infinity, which are not JSON).
odd_values = st.one_of(
    json_scalars,
    st.sampled_from(
        [
            0,
            -1,
            -(2**63),
            2**63,
            2**64 + 1,
            10**30,
            1e308,
            -0.0,
            float("nan"),
            float("inf"),
            "NaN",
            "Infinity",
            "-1",
            "1e3",
            "",
            "\x00",
            "a" * 300,
            "x" * 5000,
            True,
            False,
        ]
    ),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    arbitrary_json,
)
FIELDS = ["event", "token", "triggeredAt", "signature", "data"]


@st.composite
def near_valid_envelopes(draw):
    """A real candidateHired body with some fields replaced, removed or re-typed, then either
    left with its (now stale) signature, re-signed over the mutated values, or given a
    mutated signature."""
    body = fixture("candidateHired__default")
    body["token"] = draw(texts.filter(bool))
    body["triggeredAt"] = now_ms() - draw(st.integers(min_value=-10_000, max_value=10_000))
    for field in draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=3)):
        if draw(st.booleans()):
            body.pop(field, None)
        else:
            body[field] = draw(odd_values)
    how = draw(st.sampled_from(["resign", "resign", "keep", "mutate-signature", "wrong-secret"]))
    token, triggered_at = body.get("token"), body.get("triggeredAt")
    if how == "resign":
        body["signature"] = lever_signature(SIGNATURE_TOKEN, token, triggered_at)
    elif how == "wrong-secret":
        body["signature"] = lever_signature(SIGNATURE_TOKEN + "x", token, triggered_at)
    elif how == "mutate-signature":
        good = lever_signature(SIGNATURE_TOKEN, token, triggered_at)
        position = draw(st.integers(min_value=0, max_value=len(good)))
        body["signature"] = draw(
            st.sampled_from(
                [
                    good[:position],
                    good[:position] + "0" + good[position + 1 :],
                    good.upper(),
                    good + " ",
                    " " + good,
                    good + draw(st.text(min_size=1, max_size=4)),
                    good + "\ud800",
                ]
            )
        )
    return json.dumps(body)


@st.composite
def valid_hires_with_odd_data(draw):
    """Correctly signed, recent envelopes whose `data` (which Lever does not sign) is anything."""
    body = fixture("candidateHired__default")
    body["token"] = draw(st.text(min_size=1, max_size=255))
    body["triggeredAt"] = now_ms() - draw(st.integers(min_value=0, max_value=10**8))
    body["event"] = draw(st.sampled_from(["candidateHired", "candidateStageChange", "x" * 64]))
    data = draw(st.dictionaries(st.text(max_size=20), arbitrary_json, max_size=6))
    if draw(st.booleans()):
        data = {**body["data"], **data}
    body["data"] = data
    body["signature"] = lever_signature(SIGNATURE_TOKEN, body["token"], body["triggeredAt"])
    return body


def is_strict_json(value):
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


def has_lone_surrogate(value):
    text = json.dumps(value, ensure_ascii=False)
    return any(0xD800 <= ord(char) <= 0xDFFF for char in text)


# --- The properties ---------------------------------------------------------------------------


@fuzz(examples=500)
@given(body=st.binary(max_size=2000), method=methods, content_type=content_types, sub=subdomains)
def test_arbitrary_bytes(client, config, body, method, content_type, sub):
    send(client, body=body, method=method, subdomain=sub, content_type=content_type)


@fuzz(examples=400)
@given(value=arbitrary_json, method=methods, sub=subdomains)
def test_arbitrary_json(client, config, value, method, sub):
    send(client, body=json.dumps(value), method=method, subdomain=sub)


@fuzz(examples=800)
@given(
    body=near_valid_envelopes(),
    method=methods,
    sub=st.one_of(subdomain_casings, subdomains),
    content_type=content_types,
    extra=extra_headers,
)
def test_near_valid_envelopes(client, config, body, method, sub, content_type, extra):
    send(client, body=body, method=method, subdomain=sub, content_type=content_type, extra=extra)


@fuzz(examples=300)
@given(body=valid_hires_with_odd_data(), sub=subdomain_casings)
def test_valid_signatures_over_any_data_are_stored_or_refused_cleanly(client, config, body, sub):
    raw = json.dumps(body)
    response = send(client, body=raw, subdomain=sub)
    # Accepted; or refused because the data holds a value no JSON database column can store
    # (NaN, Infinity; \u0000 or a lone surrogate on PostgreSQL): a 400, never a 5xx.
    unstorable = "\\u0000" in raw or not is_strict_json(body) or has_lone_surrogate(body)
    assert response.status_code == 200 or (response.status_code == 400 and unstorable), (
        response.status_code,
        response.content,
    )


@fuzz(examples=100)
@given(
    size=st.one_of(
        st.integers(min_value=MAX_BODY_BYTES - 400, max_value=MAX_BODY_BYTES + 400),
        st.integers(min_value=MAX_BODY_BYTES, max_value=4 * MAX_BODY_BYTES),
    ),
    resign=st.booleans(),
)
def test_bodies_near_and_over_the_size_limit(client, config, size, resign):
    body = fixture("candidateHired__default")
    body["token"] = f"oversize-{size}"
    body["triggeredAt"] = now_ms()
    secret = SIGNATURE_TOKEN if resign else "not-the-token"
    body["signature"] = lever_signature(secret, body["token"], body["triggeredAt"])
    body["padding"] = ""
    raw = json.dumps(body)
    body["padding"] = "x" * max(0, size - len(raw))
    raw = json.dumps(body)
    response = send(client, body=raw)
    if len(raw) > MAX_BODY_BYTES:
        assert response.status_code == 413
    else:
        assert response.status_code == (200 if resign else 403)
