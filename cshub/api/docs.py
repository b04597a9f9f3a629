"""The API's documentation as a CSHub page: the OpenAPI schema (the one `/api/v1/schema/`
serves) rendered on the server in GOV.UK style. No Swagger UI: nothing inline for the CSP
to refuse, no nested controls, the page's language set, and it works without JavaScript."""

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from cshub.api.permissions import TokenScope

METHODS = ("get", "post", "put", "patch", "delete")
REF = "#/components/schemas/"


@dataclass(frozen=True)
class Kind:
    """A value's type in words, with the data shapes it names (for links)."""

    text: str
    shapes: tuple[str, ...] = ()


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    parameters: list[dict[str, Any]] = field(default_factory=list)
    body: Kind | None = None
    responses: list[tuple[str, str, Kind | None]] = field(default_factory=list)
    scope: str = ""  # the token scope it needs (x-token-scope)


@dataclass
class Shape:
    name: str
    description: str
    fields: list[dict[str, Any]] = field(default_factory=list)
    values: list[str] = field(default_factory=list)


def kind(schema: dict[str, Any]) -> Kind:
    if "$ref" in schema:
        name = str(schema["$ref"]).removeprefix(REF)
        return Kind(name, (name,))
    for combined in ("oneOf", "anyOf", "allOf"):
        if combined in schema:
            parts = [kind(s) for s in schema[combined]]
            return Kind(" or ".join(p.text for p in parts), tuple(n for p in parts for n in p.shapes))
    if schema.get("type") == "array":
        inner = kind(schema.get("items", {}))
        return Kind(f"list of {inner.text}", inner.shapes)
    text = str(schema.get("type", "any value"))
    if schema.get("format"):
        text += f" ({schema['format']})"
    if "enum" in schema:
        text += ": one of " + ", ".join(str(v) for v in schema["enum"])
    return Kind(text)


def _notes(schema: dict[str, Any]) -> str:
    notes = []
    if schema.get("readOnly"):
        notes.append("read only")
    if schema.get("nullable"):
        notes.append("may be null")
    if "maxLength" in schema:
        notes.append(f"at most {schema['maxLength']:,} characters")
    if schema.get("description"):
        notes.append(str(schema["description"]))
    return "; ".join(notes)


def _first(content: dict[str, Any]) -> Kind | None:
    for media in ("application/json", *content):
        if media in content and "schema" in content[media]:
            return kind(content[media]["schema"])
    return None


def _summary(text: str) -> str:
    """The first sentence of the description's first paragraph."""
    paragraph = " ".join(text.split("\n\n", 1)[0].split())
    sentence, stop, _ = paragraph.partition(". ")
    return sentence + ("." if stop else "")


def describe(schema: dict[str, Any]) -> tuple[list[Operation], list[Shape]]:
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            text = str(op.get("description") or "").strip()
            operation = Operation(
                method.upper(),
                path,
                str(op.get("operationId", f"{method}-{path}")),
                str(op.get("summary") or _summary(text)),
                text,
                scope=str(op.get("x-token-scope", "")),
            )
            for p in op.get("parameters", []):
                operation.parameters.append(
                    {
                        "name": p.get("name"),
                        "where": {"path": "in the path", "query": "in the query"}.get(
                            p.get("in"), p.get("in")
                        ),
                        "required": bool(p.get("required")),
                        "kind": kind(p.get("schema", {})),
                        "description": p.get("description", ""),
                    }
                )
            if "requestBody" in op:
                operation.body = _first(op["requestBody"].get("content", {}))
            for status, response in op.get("responses", {}).items():
                operation.responses.append(
                    (str(status), str(response.get("description", "")), _first(response.get("content", {})))
                )
            operations.append(operation)
    shapes = []
    for name, body in schema.get("components", {}).get("schemas", {}).items():
        shape = Shape(name, str(body.get("description", "")))
        if "enum" in body:
            shape.values = [str(v) for v in body["enum"] if v != ""] or ["(empty)"]
        required = set(body.get("required", []))
        for field_name, field_schema in body.get("properties", {}).items():
            shape.fields.append(
                {
                    "name": field_name,
                    "kind": kind(field_schema),
                    "required": field_name in required,
                    "notes": _notes(field_schema),
                }
            )
        shapes.append(shape)
    return operations, shapes


class ApiDocs(APIView):
    """`/api/v1/docs/`: for anyone signed in (401 otherwise, as every API address)."""

    permission_classes = [IsAuthenticated, TokenScope]  # a token needs `read`

    @extend_schema(exclude=True)  # a page about the API, not part of it
    def get(self, request: Request) -> HttpResponse:
        schema = SchemaGenerator().get_schema(request=request, public=True)  # type: ignore[no-untyped-call]
        operations, shapes = describe(schema)
        django_request: HttpRequest = request._request
        django_request.user = request.user  # signed in by a token, the page says who
        return render(
            django_request,
            "api/docs.html",
            {"info": schema.get("info", {}), "operations": operations, "shapes": shapes},
        )
