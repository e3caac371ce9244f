"""The shared cache production uses is Redis: programme versions must work on it.

Runs against REDIS_URL (default redis://127.0.0.1:6379/15); without a Redis
server it skips with a reason locally, and fails in CI like any skip."""

import os
import uuid

import pytest
import redis
from django.test import override_settings

from pavilion.programme.cache import programme_changed, programme_version
from tests.factories import EventFactory

REDIS_URL = os.environ.get("PAVILION_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_cache():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"needs a Redis server at {REDIS_URL}")
    prefix = f"pavilion-test-{uuid.uuid4().hex}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=caches):
        yield
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


@pytest.mark.django_db
def test_programme_versions_live_in_redis_and_move_on(
    redis_cache, django_capture_on_commit_callbacks
):
    event = EventFactory()
    first = programme_version(event.pk)
    assert programme_version(event.pk) == first  # stable while nothing changes
    with django_capture_on_commit_callbacks(execute=True):
        programme_changed([event.pk])
    second = programme_version(event.pk)
    assert second != first
    with django_capture_on_commit_callbacks(execute=True):
        programme_changed(None)
    assert programme_version(event.pk) not in {first, second}
    keys = list(redis.Redis.from_url(REDIS_URL).scan_iter("*programme:version*"))
    assert keys, "the versions are stored in Redis"
