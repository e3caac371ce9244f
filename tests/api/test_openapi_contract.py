"""The API keeps the contract it publishes: schemathesis against /api/v1/openapi.json.

Schemathesis reads the OpenAPI document the API generates, then sends every
operation requests built from it (the documented examples, which name the
demo's events, sessions and speakers, then generated values: random slugs,
dates, cursors, page sizes) to the Django WSGI application in-process, on the
demo data. Every answer must be other than a server error, carry a status the
document declares, and match the declared schema for that status.
"""

import io
from collections import Counter

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

ENDPOINTS = 10  # events (2), venues, sessions (2), people (2), organisations (2), glossary
GENERATED_PER_OPERATION = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
RUN = settings(
    deadline=None,
    database=None,  # no example database: every run starts afresh
    derandomize=True,  # the same requests on every run
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def wsgi_app():
    """The site's WSGI application, sharing the test's database transaction.

    Like Django's test client, it must not close the connection when a request
    finishes: that would end the transaction the test's data lives in."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _exercise(strategy, *, max_examples: int, statuses: Counter) -> None:
    @settings(RUN, max_examples=max_examples)
    @given(case=strategy)
    def check(case):
        response = case.call()
        statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    check()


def test_every_operation_keeps_the_published_contract(demo, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    tested: dict[str, Counter] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        statuses: Counter = Counter()
        examples = schema.get_strategies_from_examples(operation)
        if examples:
            _exercise(st.one_of(*examples), max_examples=5, statuses=statuses)
        _exercise(operation.as_strategy(), max_examples=GENERATED_PER_OPERATION, statuses=statuses)
        tested[operation.label] = statuses

    assert len(tested) >= ENDPOINTS
    for label, statuses in tested.items():
        # The documented examples are real demo objects: each operation answered them in full.
        assert statuses[200] >= 1, (label, statuses)
        assert not any(status >= 500 for status in statuses), (label, statuses)
    # Generated values exercised the error answers too.
    assert tested["GET /api/v1/sessions"][400] >= 1
    assert tested["GET /api/v1/events/{event}/sessions/{slug}"][404] >= 1
