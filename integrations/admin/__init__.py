"""Admin for the Lever integration: the Details screen (config.py), the Log (log.py) and the
webhook deliveries (deliveries.py)."""

from integrations.admin import config, deliveries, log  # noqa: F401  (registers the screens)
