"""Fill the Lever sandbox's default account with a few candidates worth hiring.

The names exercise the field mapping: particles, accents, a title, a one-word name; the phones
cover every type Lever sends, including a Skype name and a phone without a type.
"""

from django.core.management.base import BaseCommand

from lever_sandbox.accounts import DEFAULT_ADMIN_EMAIL, DEFAULT_PASSWORD, get_default_account
from lever_sandbox.candidates import create_candidate

DEMO_CANDIDATES = [
    {
        "name": "Anna van der Berg",
        "headline": "Payroll Specialist",
        "location": "London",
        "emails": ["anna.vanderberg@example.com", "anna@example.net"],
        "phones": [
            {"type": "mobile", "value": "+44 7700 900123"},
            {"type": "home", "value": "+44 20 7946 0001"},
            {"type": "work", "value": "+44 20 7946 0002"},
            {"type": "skype", "value": "anna.vdb"},
        ],
        "sources": ["LinkedIn"],
    },
    {
        "name": "José María Álvarez-Núñez",
        "headline": "HR Advisor",
        "location": "Madrid",
        "emails": ["jose.alvarez@example.com"],
        "phones": [{"type": None, "value": "+34 600 000 000"}, {"type": "other", "value": "112"}],
        "sources": ["Referral"],
    },
    {
        "name": "Dr. Siobhán O'Neill PhD",
        "headline": "People Analytics Lead",
        "location": "Dublin",
        "emails": ["siobhan.oneill@example.ie"],
        "phones": [{"type": "mobile", "value": "+353 85 000 0000"}],
    },
    {"name": "Cher", "headline": "Receptionist", "emails": ["cher@example.com"], "phones": []},
]


class Command(BaseCommand):
    help = "Create demo candidates in the Lever sandbox (skips names that already exist)."

    def handle(self, *args, **options):
        account = get_default_account()
        created = 0
        for spec in DEMO_CANDIDATES:
            if account.candidates.filter(name=spec["name"]).exists():
                continue
            create_candidate(account, **spec)
            created += 1
        self.stdout.write(
            f"Lever sandbox: {created} demo candidate(s) created in {account.name}. "
            f"Log in at /lever-sandbox/ as {DEFAULT_ADMIN_EMAIL} / {DEFAULT_PASSWORD}."
        )
