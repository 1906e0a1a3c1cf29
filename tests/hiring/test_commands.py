import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from integrations import log
from integrations.models import LogEntry, WebhookDelivery
from tests.lever_payloads import OPPORTUNITY_ID

Status = WebhookDelivery.Status


def make_delivery(config, status, days_ago):
    delivery = WebhookDelivery.objects.create(
        config=config,
        event="candidateHired",
        token=f"{status}-{days_ago}",
        triggered_at=timezone.now(),
        payload={},
        opportunity_id=f"opp-{status}-{days_ago}",
        status=status,
    )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return delivery


def make_entry(config, days_ago, delivery=None):
    entry = log.info(config, f"entry {days_ago}", delivery=delivery)
    LogEntry.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return entry


@pytest.mark.django_db
def test_prune_keeps_recent_failed_and_in_flight_work(config, capsys):
    old_done = make_delivery(config, Status.PROCESSED, 100)
    old_ignored = make_delivery(config, Status.IGNORED, 100)
    recent_done = make_delivery(config, Status.PROCESSED, 10)
    old_failed = make_delivery(config, Status.FAILED, 100)
    ancient_failed = make_delivery(config, Status.FAILED, 400)
    old_waiting = make_delivery(config, Status.RECEIVED, 100)
    old_entry = make_entry(config, 100, old_done)
    failed_entry = make_entry(config, 100, old_failed)
    recent_entry = make_entry(config, 10)

    call_command("prune_lever_data", "--dry-run")
    assert "Would delete 3 webhook deliveries and 1 Log entries" in capsys.readouterr().out
    assert WebhookDelivery.objects.count() == 6

    call_command("prune_lever_data")
    remaining = set(WebhookDelivery.objects.values_list("pk", flat=True))
    assert remaining == {recent_done.pk, old_failed.pk, old_waiting.pk}
    assert not {old_ignored.pk, ancient_failed.pk} & remaining
    assert set(LogEntry.objects.values_list("pk", flat=True)) == {failed_entry.pk, recent_entry.pk}
    assert old_entry.pk not in remaining


@pytest.mark.django_db
def test_prune_days_option(config):
    make_delivery(config, Status.PROCESSED, 10)
    call_command("prune_lever_data", "--days", "5")
    assert WebhookDelivery.objects.count() == 0
    with pytest.raises(CommandError):
        call_command("prune_lever_data", "--days", "30", "--failed-days", "7")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_picklists")
def test_send_lever_test_webhook_is_accepted_by_a_running_site(config, live_server, capsys):
    url = live_server.url + config.webhook_path()
    call_command("send_lever_test_webhook", "acmehr", OPPORTUNITY_ID, url=url)
    assert "-> 200" in capsys.readouterr().out
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.opportunity_id, delivery.status) == (
        "candidateHired",
        OPPORTUNITY_ID,
        Status.RECEIVED,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_picklists")
def test_send_lever_test_webhook_reports_refusals(config, live_server):
    with pytest.raises(CommandError, match="no Lever integration|No Lever integration"):
        call_command("send_lever_test_webhook", "nobody", OPPORTUNITY_ID)
    config.signature_token = "changed-in-the-meantime"
    config.save()
    url = live_server.url + "/cezannehr/api/v4/Lever/webhook/other"
    with pytest.raises(CommandError, match="HTTP 404"):
        call_command("send_lever_test_webhook", "AcmeHR", OPPORTUNITY_ID, url=url)
