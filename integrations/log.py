"""Writing the integration's Log. Entries are read by HR professionals: say who, what happened,
and what to do about it, in plain words. Never put a secret or a stack trace in a message."""

import logging

from integrations.models import LogEntry

logger = logging.getLogger("integrations.log")


def write(level, config, message, *, person=None, delivery=None, opportunity_id=""):
    if delivery is not None and not opportunity_id:
        opportunity_id = delivery.opportunity_id
    entry = LogEntry.objects.create(
        config=config,
        level=level,
        message=message,
        person=person,
        delivery=delivery,
        opportunity_id=opportunity_id or "",
    )
    logger.log(_PYTHON_LEVELS[level], "[%s] %s", config, message)
    return entry


def info(config, message, **related):
    return write(LogEntry.Level.INFO, config, message, **related)


def warning(config, message, **related):
    return write(LogEntry.Level.WARNING, config, message, **related)


def error(config, message, **related):
    return write(LogEntry.Level.ERROR, config, message, **related)


_PYTHON_LEVELS = {
    LogEntry.Level.INFO: logging.INFO,
    LogEntry.Level.WARNING: logging.WARNING,
    LogEntry.Level.ERROR: logging.ERROR,
}
