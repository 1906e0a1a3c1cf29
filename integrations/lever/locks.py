"""One token refresh at a time per Lever account, across threads and processes.

PostgreSQL: a row lock (SELECT ... FOR UPDATE) on the config, held for the refresh.

SQLite has no row locks: a write transaction locks the whole database, so holding one across the
call to Lever's token endpoint would stop every other writer (the webhook view storing deliveries,
and the local Lever sandbox answering that very call when it shares the database) until the
call returns. There, an exclusive lock on a file beside the database serialises refreshes
instead; SQLite is single-host by nature, so a host-local lock is enough.
"""

import fcntl
import hashlib
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction

from integrations.models import IntegrationConfig


@contextmanager
def locked_config(config_pk):
    """Yield the config, fresh from the database, while no other refresh of it can run."""
    if connection.vendor == "sqlite":
        with _host_lock(f"{connection.settings_dict['NAME']}:{config_pk}"):
            yield IntegrationConfig.objects.get(pk=config_pk)
    else:
        with transaction.atomic():
            yield IntegrationConfig.objects.select_for_update().get(pk=config_pk)


@contextmanager
def _host_lock(name):
    digest = hashlib.sha256(str(name).encode()).hexdigest()[:32]
    path = Path(tempfile.gettempdir()) / f"cezanne-lever-refresh-{digest}.lock"
    # Each open() is its own lock owner, so threads of one process exclude each other too.
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
