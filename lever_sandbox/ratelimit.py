"""Lever's rate limit: a token bucket per account (10 requests/s steady, bursts to 20).

The bucket lives on the Account row and is updated under a row lock, so every web process shares
it (on SQLite the IMMEDIATE transaction serialises the writers instead).
"""

import math
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lever_sandbox.models import Account


@dataclass
class Decision:
    allowed: bool
    retry_after_seconds: int = 0


def take_token(account_id):
    """Spend one token from the account's bucket, refilled at its steady rate since last time."""
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account_id)
        now = timezone.now()
        capacity = float(account.rate_limit_burst)
        rate = max(account.rate_limit_per_second, 0.001)
        if account.bucket_tokens is None or account.bucket_updated_at is None:
            tokens = capacity
        else:
            elapsed = max((now - account.bucket_updated_at).total_seconds(), 0.0)
            tokens = min(capacity, account.bucket_tokens + elapsed * rate)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        Account.objects.filter(pk=account_id).update(bucket_tokens=tokens, bucket_updated_at=now)
    if allowed:
        return Decision(True)
    return Decision(False, retry_after_seconds=max(1, math.ceil((1.0 - tokens) / rate)))


def reset(account):
    """Fill the bucket again (for tests and the Settings page)."""
    Account.objects.filter(pk=account.pk).update(bucket_tokens=None, bucket_updated_at=None)
