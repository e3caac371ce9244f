"""Shared fixtures. Services that a test needs but the machine lacks make it skip
with a reason, except in CI (CI=true), where any skip fails the run.

Tests marked ``postgres`` run only when DATABASE_URL names PostgreSQL; on SQLite
they skip. CI runs the suite twice: on SQLite with ``-m "not postgres"`` and on
PostgreSQL with everything. Browser tests are configured in tests/browser/conftest.py.
"""

import os

import pytest
from django.conf import settings

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def on_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_collection_modifyitems(config, items):
    if on_postgresql():
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://… (see docs/development.md)"
    )
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    if IN_CI and skipped:
        terminalreporter.write_line(
            f"CI=true: {len(skipped)} test(s) skipped; in CI every test must run.", red=True
        )


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if IN_CI and reporter is not None and reporter.stats.get("skipped") and exitstatus == 0:
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: no built file or version leaks between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Queued tasks (mail) run when enqueued, so tests see mail.outbox; tests of the
    queue itself choose their backend explicitly."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    settings.LANGUAGE_CODE = "en"
    # Hashing passwords slowly protects real accounts, not test ones.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
