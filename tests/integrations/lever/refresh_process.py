"""A worker process for the cross-process refresh test: fetch one opportunity when told to.

Run as `python -m tests.integrations.lever.refresh_process <config_id> <opportunity_id>` with
DATABASE_URL and LEVER_* pointing at the test database and a local stand-in for Lever. Prints
"ready", waits for a line on stdin, fetches, prints the opportunity's id.
"""

import os
import sys

import django


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cezanne_lever.settings")
    django.setup()
    from integrations.lever.client import LeverClient
    from integrations.models import IntegrationConfig

    config = IntegrationConfig.objects.get(pk=int(sys.argv[1]))
    print("ready", flush=True)
    sys.stdin.readline()
    print(LeverClient(config).get_opportunity(sys.argv[2])["id"], flush=True)


if __name__ == "__main__":
    main()
