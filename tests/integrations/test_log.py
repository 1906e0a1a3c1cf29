import pytest

from integrations import log
from integrations.models import IntegrationConfig, LogEntry, WebhookDelivery


@pytest.mark.django_db
def test_entries_take_the_opportunity_from_their_delivery():
    config = IntegrationConfig.objects.create(subdomain="Acme")
    delivery = WebhookDelivery.objects.create(
        config=config,
        event="candidateHired",
        token="t1",
        triggered_at="2026-12-01T10:00:00Z",
        payload={},
        opportunity_id="opp-1",
    )
    entry = log.error(config, "Something to fix.", delivery=delivery)
    assert entry.level == LogEntry.Level.ERROR
    assert entry.opportunity_id == "opp-1"
    assert log.info(config, "Fine.").level == LogEntry.Level.INFO
    assert log.warning(config, "Hmm.", opportunity_id="opp-2").opportunity_id == "opp-2"
