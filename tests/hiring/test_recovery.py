import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from integrations import hiring
from integrations.models import WebhookDelivery

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status


def queued_for(delivery):
    return [
        task
        for task in DBTaskResult.objects.filter(task_path="integrations.tasks.process_delivery")
        if task.args_kwargs["args"] == [delivery.pk]
    ]


@pytest.fixture
def make(config):
    def make(status, minutes_ago=10, **fields):
        delivery = WebhookDelivery.objects.create(
            config=config,
            event="candidateHired",
            token=f"t-{WebhookDelivery.objects.count()}",
            triggered_at=timezone.now(),
            payload={},
            opportunity_id="opp",
            status=status,
            **fields,
        )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            received_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
        )
        return delivery

    return make


def ago(minutes):
    return timezone.now() - datetime.timedelta(minutes=minutes)


def test_abandoned_processing_is_requeued_after_the_lease(make):
    stale = make(Status.PROCESSING, claimed_at=ago(6), attempts=1)
    live = make(Status.PROCESSING, claimed_at=ago(1), attempts=1)
    assert hiring.recover_stalled_deliveries() == 1
    stale.refresh_from_db()
    live.refresh_from_db()
    assert (stale.status, stale.claimed_at) == (Status.RECEIVED, None)
    assert live.status == Status.PROCESSING
    assert len(queued_for(stale)) == 1 and queued_for(live) == []


def test_received_without_a_task_is_requeued_once(make):
    lost = make(Status.RECEIVED)
    fresh = make(Status.RECEIVED, minutes_ago=0)  # its task is probably on its way
    later = make(Status.RECEIVED, next_attempt_at=timezone.now() + datetime.timedelta(hours=1))
    assert hiring.recover_stalled_deliveries() == 1
    assert hiring.recover_stalled_deliveries() == 0  # its task is now queued: no duplicate
    assert len(queued_for(lost)) == 1
    assert queued_for(fresh) == [] and queued_for(later) == []


def test_final_states_are_left_alone(make):
    for status in (Status.PROCESSED, Status.FAILED, Status.IGNORED):
        make(status)
    assert hiring.recover_stalled_deliveries() == 0
    assert DBTaskResult.objects.count() == 0


def test_the_lease_and_the_grace_come_from_settings(make, settings):
    settings.LEVER_PROCESSING_LEASE_SECONDS = 10
    settings.LEVER_LOST_TASK_GRACE_SECONDS = 5
    claimed = make(Status.PROCESSING, claimed_at=timezone.now() - datetime.timedelta(seconds=20))
    lost = make(Status.RECEIVED, minutes_ago=0)
    WebhookDelivery.objects.filter(pk=lost.pk).update(
        received_at=timezone.now() - datetime.timedelta(seconds=8)
    )
    assert hiring.recover_stalled_deliveries() == 2
    assert len(queued_for(claimed)) == 1 and len(queued_for(lost)) == 1
