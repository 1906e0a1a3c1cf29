"""One webhook delivery -> HR records (SPEC section 7), in the worker.

Public API:
- process_delivery(delivery_id) -> Outcome: claim, fetch from Lever, confirm hired, map, record,
  log; schedules its own retry when Lever is temporarily unavailable.
- retry_delivery(delivery, requested_by=None) -> bool: re-queue a failed (or ignored) hire; it
  fills in what is missing and duplicates nothing.
- recover_stalled_deliveries() -> int: put work abandoned by a killed worker, or whose task was
  lost, back in the queue (run by the db_worker command every minute).
"""

import enum
import logging
import random
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from hr.notifications import notify_task_assigned
from hr.services.hires import start_new_hire
from integrations import hire_messages as messages
from integrations import log
from integrations.lever.client import LeverAccessRevoked, LeverClient, LeverError
from integrations.lever.mapping import (
    MappingError,
    archive_reason_id,
    map_opportunity,
    without_nul,
)
from integrations.models import IntegrationConfig, WebhookDelivery
from integrations.tasks import process_delivery as process_delivery_task

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_RETRY_DELAY_SECONDS = 3600
# How long a claim and a due delivery may wait before the recovery sweep steps in: the settings
# LEVER_PROCESSING_LEASE_SECONDS (default 300: a claim older than this was abandoned by a killed
# worker; one delivery needs two Lever calls, 5 s connect + 30 s read timeouts each, and a short
# transaction, far below it) and LEVER_LOST_TASK_GRACE_SECONDS (default 120: a `received`
# delivery due for this long with no queued task has lost its task). Read at call time.
ARCHIVE_REASON_CACHE_SECONDS = 3600
HIRED_EVENT = "candidateHired"

Status = WebhookDelivery.Status


class Outcome(enum.StrEnum):
    NOT_CLAIMED = "not_claimed"
    PROCESSED = "processed"
    FAILED = "failed"
    IGNORED = "ignored"
    RETRY_SCHEDULED = "retry_scheduled"


# --- Queueing ---------------------------------------------------------------------------------


def enqueue(delivery_id, run_after=None):
    task = process_delivery_task.using(run_after=run_after) if run_after else process_delivery_task
    task.enqueue(delivery_id)


def enqueue_on_commit(delivery_id, run_after=None):
    transaction.on_commit(lambda: enqueue(delivery_id, run_after), robust=True)


def claim(delivery_id):
    """received -> processing (attempts + 1) in one conditional UPDATE: one worker wins."""
    now = timezone.now()
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, status=Status.RECEIVED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=Status.PROCESSING, attempts=F("attempts") + 1, claimed_at=now)
    )
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("config").get(pk=delivery_id)


def finish(delivery, status, error=""):
    delivery.status = status
    delivery.last_error = error
    delivery.claimed_at = None
    delivery.next_attempt_at = None
    delivery.processed_at = timezone.now()
    delivery.save(
        update_fields=["status", "last_error", "claimed_at", "next_attempt_at", "processed_at"]
    )


def fail(delivery, message):
    """Failed, with an error entry saying what to do. Nothing is dropped silently."""
    with transaction.atomic():
        finish(delivery, Status.FAILED, message)
        log.error(delivery.config, message, delivery=delivery)
    return Outcome.FAILED


def ignore(delivery, message=""):
    with transaction.atomic():
        finish(delivery, Status.IGNORED, message)
        if message:
            log.warning(delivery.config, message, delivery=delivery)
    return Outcome.IGNORED


# --- Processing -------------------------------------------------------------------------------


def process_delivery(delivery_id):
    delivery = claim(delivery_id)
    if delivery is None:
        return Outcome.NOT_CLAIMED
    try:
        handler = EVENT_HANDLERS.get(delivery.event)
        if handler is None:
            return ignore(delivery)
        return handler(delivery)
    except LeverError as error:
        return lever_failure(delivery, error)
    except DatabaseError as error:
        # Often passing (a dropped connection, a lock timeout): try again like a Lever outage.
        logger.exception("Database error while processing delivery %s", delivery_id)
        return retry_later(delivery, error)
    except Exception:
        logger.exception("Unexpected error while processing delivery %s", delivery_id)
        return fail(delivery, messages.unexpected(delivery.opportunity_id))


def handle_hire(delivery):
    config = IntegrationConfig.objects.select_related(
        "default_company", "new_hire_administrator"
    ).get(pk=delivery.config_id)
    delivery.config = config
    if not config.is_usable:
        return fail(delivery, messages.config_unusable(config, delivery.opportunity_id))
    if not delivery.opportunity_id:
        return fail(delivery, messages.no_opportunity())

    client = LeverClient(config)
    opportunity = client.get_opportunity(delivery.opportunity_id)
    name = without_nul(opportunity.get("name")) if isinstance(opportunity.get("name"), str) else ""
    reason_id = archive_reason_id(opportunity)
    if not reason_id:
        return ignore(delivery, messages.not_hired(delivery.opportunity_id, name))
    reason = archive_reason(client, config, reason_id)
    if reason.get("type") != "hired":
        return ignore(
            delivery, messages.not_hired(delivery.opportunity_id, name, reason.get("text") or "?")
        )
    try:
        new_hire = map_opportunity(opportunity)
    except MappingError as error:
        return fail(delivery, str(error))
    return record_hire(delivery, config, new_hire)


def archive_reason(client, config, reason_id):
    """Archive reasons hardly ever change: ask Lever once an hour per account and reason."""
    key = f"lever:archive-reason:{config.pk}:{reason_id}"
    reason = cache.get(key)
    if reason is None:
        reason = client.get_archive_reason(reason_id)
        cache.set(key, reason, ARCHIVE_REASON_CACHE_SECONDS)
    return reason


def record_hire(delivery, config, new_hire):
    """The HR records, their Log entries and the delivery's outcome, in one transaction."""
    company, administrator = config.default_company, config.new_hire_administrator
    with transaction.atomic():
        result = start_new_hire(new_hire, company=company, administrator=administrator)
        person = result.person
        related = {"person": person, "delivery": delivery}
        for warning in new_hire.warnings:
            log.warning(config, warning, **related)
        if not result.person_created:
            log.info(config, messages.person_existed(new_hire, result.filled_fields), **related)
        problems = [
            messages.skipped(reason, new_hire, company=company, administrator=administrator)
            for reason in (result.employment_skipped, result.task_skipped)
            if reason is not None
        ]
        if result.person_created or result.employment_created or result.task_created:
            log.info(config, messages.records_created(new_hire, result, company), **related)
        elif not problems:
            log.info(config, messages.nothing_new(new_hire), **related)
        for problem in problems:
            log.error(config, problem, **related)
        finish(delivery, Status.FAILED if problems else Status.PROCESSED, " ".join(problems))
        if result.task_created:
            task = result.task
            transaction.on_commit(lambda: notify_task_assigned(task))
    return Outcome.FAILED if problems else Outcome.PROCESSED


EVENT_HANDLERS = {HIRED_EVENT: handle_hire}


# --- Failures and retries ---------------------------------------------------------------------


def lever_failure(delivery, error):
    if isinstance(error, LeverAccessRevoked):
        return fail(delivery, messages.access_revoked(delivery.opportunity_id))
    if error.retryable:
        return retry_later(delivery, error)
    if error.status == 404:
        return fail(delivery, messages.not_found(delivery.opportunity_id))
    return fail(delivery, messages.refused(delivery.opportunity_id, error))


def retry_later(delivery, error):
    if delivery.attempts >= MAX_ATTEMPTS:
        return fail(delivery, messages.gave_up(delivery.opportunity_id, delivery.attempts, error))
    delay = retry_delay_seconds(delivery.attempts, getattr(error, "retry_after_seconds", None))
    run_after = timezone.now() + timedelta(seconds=delay)
    with transaction.atomic():
        delivery.status = Status.RECEIVED
        delivery.next_attempt_at = run_after
        delivery.claimed_at = None
        delivery.last_error = messages.describe(error)
        delivery.save(update_fields=["status", "next_attempt_at", "claimed_at", "last_error"])
        if delivery.attempts == 1:
            log.warning(
                delivery.config,
                messages.retrying(delivery.opportunity_id, error),
                delivery=delivery,
            )
        enqueue_on_commit(delivery.pk, run_after)
    return Outcome.RETRY_SCHEDULED


def retry_delay_seconds(attempts, retry_after_seconds=None):
    """Lever's Retry-After when it gives one; else the base delay doubling per attempt, with up
    to 25% jitter so that deliveries failed together do not return together. At most an hour."""
    if retry_after_seconds:
        return min(float(retry_after_seconds), MAX_RETRY_DELAY_SECONDS)
    delay = settings.LEVER_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return min(delay * random.uniform(1.0, 1.25), MAX_RETRY_DELAY_SECONDS)


# --- Retry from the Log, and recovery ---------------------------------------------------------


def can_retry(delivery):
    """Failed hires, and hires ignored because Lever did not show them hired (it may now)."""
    if delivery.event != HIRED_EVENT:
        return False
    if delivery.status == Status.FAILED:
        return True
    return delivery.status == Status.IGNORED and bool(delivery.opportunity_id)


def retry_delivery(delivery, requested_by=None):
    """Queue the delivery again with a fresh set of attempts. Returns False if it cannot be
    retried (it is not failed/ignored, or someone else retried it first)."""
    if not can_retry(delivery):
        return False
    with transaction.atomic():
        requeued = WebhookDelivery.objects.filter(
            pk=delivery.pk, status__in=[Status.FAILED, Status.IGNORED]
        ).update(
            status=Status.RECEIVED,
            attempts=0,
            next_attempt_at=None,
            claimed_at=None,
            processed_at=None,
        )
        if not requeued:
            return False
        if requested_by is not None:
            log.info(
                delivery.config,
                messages.retry_requested(requested_by, delivery.opportunity_id),
                delivery=delivery,
            )
        enqueue_on_commit(delivery.pk)
    delivery.refresh_from_db()
    return True


def recover_stalled_deliveries(now=None):
    """Release claims older than the lease and re-enqueue due deliveries that have no queued
    task. Safe to run any time, from any number of workers: claiming is conditional, so a
    spare task finds nothing to do. Returns how many deliveries were enqueued."""
    now = now or timezone.now()
    abandoned = WebhookDelivery.objects.filter(status=Status.PROCESSING).filter(
        Q(claimed_at__lt=now - timedelta(seconds=settings.LEVER_PROCESSING_LEASE_SECONDS))
        | Q(claimed_at__isnull=True)
    )
    abandoned_ids = list(abandoned.values_list("pk", flat=True))
    # Conditional again: a slow worker may finish one of them in between.
    abandoned.filter(pk__in=abandoned_ids).update(
        status=Status.RECEIVED, claimed_at=None, next_attempt_at=None
    )
    due_since = now - timedelta(seconds=settings.LEVER_LOST_TASK_GRACE_SECONDS)
    due_ids = set(
        WebhookDelivery.objects.filter(status=Status.RECEIVED)
        .filter(
            Q(pk__in=abandoned_ids)
            | Q(next_attempt_at__lte=due_since)
            | Q(next_attempt_at__isnull=True, received_at__lte=due_since)
        )
        .values_list("pk", flat=True)
    )
    missing = sorted(due_ids - queued_delivery_ids())
    for delivery_id in missing:
        enqueue(delivery_id)
    if missing:
        logger.warning("Re-enqueued %d stalled Lever deliveries: %s", len(missing), missing)
    return len(missing)


def queued_delivery_ids():
    """Deliveries that already have a task waiting to run."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status="READY", task_path=process_delivery_task.module_path
    ).values_list("args_kwargs", flat=True)
    return {args_kwargs["args"][0] for args_kwargs in waiting if args_kwargs.get("args")}
