"""Lever's webhook signature: HMAC-SHA256 over `token + str(triggeredAt)`, keyed by the webhook's
signature token, as lowercase hex. Only those two fields are signed, never the body or `data`."""

import hashlib
import hmac


def compute_signature(signature_token: str, token: str, triggered_at: int) -> str:
    message = f"{token}{triggered_at}".encode()
    return hmac.new(signature_token.encode(), message, hashlib.sha256).hexdigest()


def is_valid_signature(signature_token: str, token: str, triggered_at: int, signature: str) -> bool:
    """Constant-time check. Fails closed: no signature token configured means nothing is valid."""
    if not signature_token or not token or not signature:
        return False
    expected = compute_signature(signature_token, token, triggered_at)
    # Compare bytes: compare_digest refuses non-ASCII str, and a forged header may contain any.
    return hmac.compare_digest(expected.encode(), signature.lower().encode())
