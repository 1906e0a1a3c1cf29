"""What a browser walk-through needs: Chromium driven by Playwright, the product on a live server
with Lever's URLs pointed at its own sandbox, and a real `db_worker` processing the hires.

Chromium is Debian's (`apt-get install chromium`); Playwright never downloads a browser here.
Without Chromium the tests skip, saying so.
"""

import io
import os
import signal
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import process_env, worker_command

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
# Every wait in the browser is bounded: a step that hangs fails the test instead of CI.
STEP_TIMEOUT_MS = 10_000
WORKER_STOP_TIMEOUT_SECONDS = 15


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Three people log in; real hashing would cost about a second each on a small machine.
    # The default hashers stay accepted: the sandbox hashes its passwords once per process
    # (lever_sandbox.accounts), perhaps before this test, with the default one.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture
def lever_urls(live_server, settings):
    """The product talks to the sandbox on the live server, exactly as it would talk to Lever."""
    sandbox = f"{live_server.url}/lever-sandbox"
    urls = {
        "SITE_URL": live_server.url,
        "LEVER_AUTH_URL": sandbox,
        "LEVER_API_URL": f"{sandbox}/v1",
        "LEVER_AUDIENCE": f"{sandbox}/v1/",
    }
    for name, value in urls.items():
        setattr(settings, name, value)
    settings.LEVER_SANDBOX = True
    return urls


@pytest.fixture
def worker(lever_urls, tmp_path):
    """`manage.py db_worker` against the test database, with the same Lever URLs."""
    log_path = tmp_path / "worker.log"
    env = process_env(**lever_urls, LEVER_SANDBOX="true")
    command = worker_command()
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    yield log_path
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=WORKER_STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            f"No Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium) "
            "or set CHROMIUM_PATH to run the browser walk-through."
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop on this thread: from here on the test itself
    # must not use the database (Django refuses, and would open a connection it never closes).
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_window(browser):
    """A separate browser window (own cookies) per person: new_window() -> Page."""
    contexts = []

    def open_window():
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
        context.set_default_timeout(STEP_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_window
    for context in contexts:
        context.close()


SCREENSHOT_COLOURS = 128


def small_png(png_bytes, path):
    """A palette PNG: admin pages have few colours, so this is a third of the size and looks
    the same, which keeps the committed screenshots small."""
    from PIL import Image

    with Image.open(io.BytesIO(png_bytes)) as image:
        image.convert("RGB").quantize(SCREENSHOT_COLOURS).save(path, optimize=True)


@pytest.fixture
def screenshots(tmp_path):
    """save(page, name): a PNG of the viewport. Into docs/screenshots/ only when
    UPDATE_SCREENSHOTS=1, so that ordinary runs never change the committed pictures."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        folder = Path(settings.BASE_DIR) / "docs" / "screenshots"
    else:
        folder = tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    saved = []

    def save(page, name):
        path = folder / f"{len(saved) + 1:02d}-{name}.png"
        small_png(page.screenshot(), path)
        saved.append(path)
        return path

    save.saved = saved
    return save
