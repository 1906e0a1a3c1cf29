"""Keeping every process's calls to one Lever account within LEVER_RATE_LIMIT_PER_SECOND.

Each call reserves the next free slot on the account's LeverRateLimit row under a row lock and
sleeps until it, so the slots of all workers together are 1/rate seconds apart (see the model's
docstring). Slots come from each process's clock: keep the workers' clocks in sync (NTP).
"""

import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from integrations.models import LeverRateLimit


def reserve_slot(config):
    """Reserve the next slot for a call to config's Lever account; return its time."""
    rate = settings.LEVER_RATE_LIMIT_PER_SECOND
    if rate <= 0:  # 0 switches the limit off (Lever still answers 429 past its own limit)
        return timezone.now()
    interval = timedelta(seconds=1 / rate)
    # Created outside the locking transaction; get_or_create copes with a concurrent create.
    LeverRateLimit.objects.get_or_create(config=config)
    with transaction.atomic():
        row = LeverRateLimit.objects.select_for_update().get(config=config)
        now = timezone.now()
        slot = max(now, row.next_slot_at) if row.next_slot_at else now
        row.next_slot_at = slot + interval
        row.save(update_fields=["next_slot_at"])
    return slot


def wait_for_slot(config):
    """Reserve a slot and sleep until it; return the seconds slept."""
    seconds = (reserve_slot(config) - timezone.now()).total_seconds()
    if seconds > 0:
        time.sleep(seconds)
    return seconds
