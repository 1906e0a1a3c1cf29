"""Delete old webhook deliveries and Log entries, so candidate data is not kept for ever.

Processed and ignored deliveries, and Log entries, go after --days (default 90): long enough to
answer "what happened to this hire last quarter?", short enough not to hoard personal data.
Failed deliveries are evidence of work still to do, so they stay for --failed-days (default 365),
together with their Log entries, unless someone retried them (which makes them processed).
Deliveries still waiting or in progress are never deleted. Run it daily, e.g. from cron.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from integrations.models import LogEntry, WebhookDelivery

Status = WebhookDelivery.Status


def positive_int(value):
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Delete Lever webhook deliveries and Log entries older than the retention periods."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=positive_int,
            default=90,
            help="Keep processed/ignored deliveries and Log entries this many days (default 90).",
        )
        parser.add_argument(
            "--failed-days",
            type=positive_int,
            default=365,
            help="Keep failed deliveries and their Log entries this many days (default 365).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say what would be deleted."
        )

    def handle(self, *args, days, failed_days, dry_run, **options):
        if failed_days < days:
            raise CommandError("--failed-days cannot be shorter than --days.")
        now = timezone.now()
        cutoff, failed_cutoff = now - timedelta(days=days), now - timedelta(days=failed_days)
        deliveries = WebhookDelivery.objects.filter(
            Q(status__in=[Status.PROCESSED, Status.IGNORED], received_at__lt=cutoff)
            | Q(status=Status.FAILED, received_at__lt=failed_cutoff)
        )
        kept_failed = WebhookDelivery.objects.filter(
            status=Status.FAILED, received_at__gte=failed_cutoff
        )
        entries = LogEntry.objects.filter(created_at__lt=cutoff).exclude(delivery__in=kept_failed)
        summary = f"{deliveries.count()} webhook deliveries and {entries.count()} Log entries"
        if dry_run:
            self.stdout.write(f"Would delete {summary}.")
            return
        with transaction.atomic():
            entries.delete()
            deliveries.delete()
        self.stdout.write(self.style.SUCCESS(f"Deleted {summary}."))
