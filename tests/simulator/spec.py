"""Validate simulator responses against the Sakari OpenAPI spec (OAS 3.0 schemas, $refs resolved).

The spec is the copy in tests/data (identical to ../shared/sakari-openapi.yaml), so the tests
never depend on a folder outside the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import httpx
import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_PATH = Path(__file__).resolve().parents[1] / "data" / "sakari-openapi.yaml"
SPEC_URI = "urn:sakari-openapi"


class _SpecLoader(yaml.SafeLoader):
    """PyYAML reads a bare `=` (an enum value in AttributeFilter) as the YAML 1.1 'value' tag."""


_SpecLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


@cache
def spec() -> dict:
    """The parsed spec."""
    return yaml.load(SPEC_PATH.read_text(encoding="utf-8"), Loader=_SpecLoader)


@cache
def _registry() -> Registry:
    return Registry().with_resource(SPEC_URI, Resource.from_contents(spec(), default_specification=DRAFT4))


def operations() -> dict[str, tuple[str, str, dict]]:
    """operationId -> (METHOD, path, operation object) for all operations of the spec."""
    found = {}
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                found[operation["operationId"]] = (method.upper(), path, operation)
    return found


def validate_schema(instance: object, pointer: str) -> None:
    """Validate `instance` against the schema at JSON pointer `pointer` in the spec."""
    validator = OAS30Validator(
        {"$ref": f"{SPEC_URI}#{pointer}"}, registry=_registry(), format_checker=oas30_format_checker
    )
    validator.validate(instance)


def validate_component(instance: object, name: str) -> None:
    """Validate against `#/components/schemas/<name>`."""
    validate_schema(instance, f"/components/schemas/{name}")


def validate_response(operation_id: str, response: httpx.Response) -> None:
    """Check the status is one the operation declares and the body matches its schema."""
    method, path, operation = operations()[operation_id]
    status = str(response.status_code)
    declared = operation["responses"]
    key = status if status in declared else f"{status[0]}XX"
    assert key in declared, f"{operation_id}: status {status} not in the spec's {sorted(declared)}"
    content = declared[key].get("content")
    if content is None:
        assert response.content == b"", f"{operation_id}: {status} must have no body"
        return
    escaped = path.replace("~", "~0").replace("/", "~1")
    pointer = f"/paths/{escaped}/{method.lower()}/responses/{key}/content/application~1json/schema"
    validate_schema(response.json(), pointer)
