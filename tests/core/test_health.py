"""/healthz tells a load balancer whether this app server can reach its database."""

from unittest import mock

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_with_the_database_state(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["database"]["vendor"] == connection.vendor


def test_healthz_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_naming_the_state_when_the_database_is_unreachable(client):
    with mock.patch(
        "pavilion.core.views.connection.cursor",
        side_effect=OperationalError("could not connect to server"),
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"]["status"] == "unreachable"
    assert body["database"]["error"] == "OperationalError"


def test_healthz_does_not_leak_the_database_error_message(client):
    with mock.patch(
        "pavilion.core.views.connection.cursor",
        side_effect=OperationalError("password authentication failed for user secret_admin"),
    ):
        response = client.get("/healthz")

    assert "secret_admin" not in response.content.decode()
