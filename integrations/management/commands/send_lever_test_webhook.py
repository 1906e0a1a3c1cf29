"""Send a correctly signed candidateHired to a deployment, as Lever would: for operators checking
that the webhook URL, the signature token and the worker are all in place.

    manage.py send_lever_test_webhook CezanneHR 250d8f03-738a-4bba-a671-8a3d73477145

The hire is then processed like any other: the worker fetches the opportunity from Lever, so use
an opportunity id that exists there (or in the sandbox) and is archived as hired.
"""

import json
import secrets
import time

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from integrations.lever.signatures import compute_signature
from integrations.models import IntegrationConfig

TIMEOUT_SECONDS = 10


def signed_hire(signature_token, opportunity_id, contact_id=""):
    token = secrets.token_hex(24)
    triggered_at = int(time.time() * 1000)
    data = {"opportunityId": opportunity_id, "candidateId": opportunity_id}
    if contact_id:
        data["contactId"] = contact_id
    return {
        "event": "candidateHired",
        "triggeredAt": triggered_at,
        "token": token,
        "signature": compute_signature(signature_token, token, triggered_at),
        "data": data,
    }


class Command(BaseCommand):
    help = "POST a signed candidateHired webhook for an opportunity to this site (or --url)."

    def add_arguments(self, parser):
        parser.add_argument("subdomain", help="The Lever integration's subdomain.")
        parser.add_argument("opportunity_id", help="A Lever opportunity id.")
        parser.add_argument("--contact-id", default="", help="The Lever contact id (optional).")
        parser.add_argument(
            "--url", help="Where to POST (default: SITE_URL + the integration's webhook path)."
        )

    def handle(self, *args, subdomain, opportunity_id, contact_id, url, **options):
        config = IntegrationConfig.objects.filter(subdomain__iexact=subdomain).first()
        if config is None:
            raise CommandError(f"No Lever integration with the subdomain {subdomain!r}.")
        if not config.signature_token:
            raise CommandError(f"The integration {config} has no signature token to sign with.")
        url = url or settings.SITE_URL + config.webhook_path()
        body = signed_hire(config.signature_token, opportunity_id, contact_id)
        try:
            response = requests.post(
                url,
                data=json.dumps(body),
                headers={"Content-Type": "application/json", "User-Agent": "Lever-Webhooks"},
                timeout=TIMEOUT_SECONDS,
            )
        except requests.RequestException as exc:
            raise CommandError(f"Could not reach {url}: {exc.__class__.__name__}") from exc
        self.stdout.write(f"POST {url} -> {response.status_code} {response.text[:500]}")
        if not response.ok:
            raise CommandError(f"The webhook was not accepted (HTTP {response.status_code}).")
        self.stdout.write(self.style.SUCCESS(f"Accepted: token {body['token']}."))
