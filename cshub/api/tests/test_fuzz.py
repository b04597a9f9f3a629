"""The OpenAPI schema is the contract, and no input gives a 500 (issue 12).

Schemathesis reads the schema drf-spectacular makes (in-process, as /api/v1/schema/ serves
it), generates requests for every operation, valid and not, and sends them to the WSGI
app as a team manager with a bearer token. Each answer must not be a server error and,
where its status is documented, must match the schema. Bounded and derandomized: the same
cases on every run, in seconds per operation."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from cshub.access.actions import create_api_token

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def kept_connection() -> Iterator[None]:
    """Requests go straight to the WSGI handler, whose request_finished signal would close the
    test's database connection (and its transaction) on PostgreSQL: Django's test client
    disconnects the same handler."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(hub: dict[str, Any], kept_connection: None) -> dict[str, str]:
    _, raw = create_api_token(hub["manager"], "fuzz", actor=hub["manager"])
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_keeps_its_contract(case: Any, bearer: dict[str, str]) -> None:
    case.call_and_validate(headers=bearer, checks=CHECKS)
