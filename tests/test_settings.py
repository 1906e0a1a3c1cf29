"""The settings module: development defaults only with DEBUG, production refuses to start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def run_check(extra_env, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEVER_", "FIELD_", "SECRET"))}
    env.pop("DEBUG", None)
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_tasks_backend_is_set_explicitly():
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS"])
def test_production_refuses_to_start_without_secrets(missing):
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "x" * 60,
        "FIELD_ENCRYPTION_KEYS": "ZGV2LW9ubHktZmVybmV0LWtleS1jZXphbm5lLWxldmU=",
        "ALLOWED_HOSTS": "hr.example.com",
        "SITE_URL": "https://hr.example.com",
        "LEVER_CLIENT_ID": "id",
        "LEVER_CLIENT_SECRET": "secret",
    }
    del env[missing]
    result = run_check(env)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_development_starts_with_defaults():
    result = run_check({"DEBUG": "true"})
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_deploy_checks():
    from cryptography.fernet import Fernet

    result = run_check(
        {
            "DEBUG": "false",
            "SECRET_KEY": "p" + os.urandom(32).hex(),
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "hr.example.com",
            "SITE_URL": "https://hr.example.com",
            "LEVER_CLIENT_ID": "id",
            "LEVER_CLIENT_SECRET": "secret",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
