"""Re-encrypt every stored secret with the first key of FIELD_ENCRYPTION_KEYS.

Key rotation: put the new key first, keep the old ones after it, run this, then drop the old keys.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from integrations.fields import EncryptedTextField


def encrypted_fields_by_model():
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        total = 0
        for model, names in encrypted_fields_by_model():
            rotated = rotate_model(model, names)
            total += rotated
            self.stdout.write(f"{model._meta.label}: {rotated} row(s) re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} row(s) re-encrypted."))


def rotate_model(model, names):
    """Reading decrypts with whichever key fits; writing back encrypts with the first key."""
    count = 0
    with transaction.atomic():
        for row in model.objects.select_for_update().values("pk", *names).iterator():
            secrets = {name: row[name] for name in names if row[name]}
            if secrets:
                model.objects.filter(pk=row["pk"]).update(**secrets)
                count += 1
    return count
