"""Browser tests: the real site, served by pytest-django's live_server, driven in
headless Chromium through Playwright.

Playwright drives the system's Chromium (it does not download its own). Where it
is missing, these tests skip with a reason on a developer's machine; in CI
(CI=true) a skip fails the run (see tests/conftest.py). Set PAVILION_CHROMIUM to
use a Chromium installed elsewhere.

Every test under tests/browser gets the ``browser`` marker, so
``pytest -m "not browser"`` leaves them out. ``page.goto("/en/")`` resolves
against the live server.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread; Django would
# otherwise refuse database access from it (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("PAVILION_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BROWSER_TESTS = Path(__file__).resolve().parent


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # tryfirst: the marker must be on the items before -m selects among them.
    missing = not chromium_available()
    for item in items:
        if BROWSER_TESTS not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if missing:
            item.add_marker(
                pytest.mark.skip(
                    reason=(
                        f"Chromium not found at {CHROMIUM}: install it "
                        "(apt-get install chromium) or set PAVILION_CHROMIUM"
                    )
                )
            )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, with the system Chromium and its flags."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_FLAGS],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative URLs in page.goto() go to the live server."""
    return live_server.url
