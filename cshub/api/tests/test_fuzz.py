"""The OpenAPI schema is the contract, and no input gives a 500 (issue 12).

Schemathesis reads the schema drf-spectacular makes (in-process, as /api/v1/schema/ serves
it), generates requests for every operation, valid and not, and sends them to the WSGI
app as a team manager with a bearer token. Each answer must not be a server error and,
where its status is documented, must match the schema. Bounded and derandomized: the same
cases on every run, in seconds per operation."""

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from cshub.access.actions import create_api_token

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def bearer(hub: dict[str, Any]) -> dict[str, str]:
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
