"""Admin for the Lever integration: the Details screen (config.py) and the Log (log.py)."""

from integrations.admin import config  # noqa: F401  (registers the Details screen)
