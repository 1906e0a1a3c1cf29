"""Admin for the Lever integration: the Details screen (config.py) and the Log (log.py)."""
