"""Templates: list (name filter), create (201, list envelope), fetch, update, remove."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import ApiError
from ..records import API_ACTOR, TemplateRecord
from ..serialize import template_json
from .common import api_route, json_object, ok, page, page_params, whole_list

if TYPE_CHECKING:
    from ..state import SimulatorState

BASE = "/v1/accounts/{accountId}/templates"
TEMPLATE_TYPES = ("SMS", "Web")


def _template(state: SimulatorState, template_id: str) -> TemplateRecord:
    template = state.templates.get(template_id)
    if template is None:
        raise ApiError(404, "TMPL-001", "Template not found")
    return template


def _fields(body: dict, *, creating: bool) -> dict:
    """Validated name/template/type from a `TemplateRequest`; on create, text is required."""
    fields = {}
    for key in ("name", "template", "type"):
        if key in body and body[key] is not None:
            if not isinstance(body[key], str):
                raise ApiError(400, "TMPL-002", f"'{key}' must be a string")
            fields[key] = body[key]
    if ("template" in fields and not fields["template"].strip()) or (creating and "template" not in fields):
        raise ApiError(400, "TMPL-002", "A template needs some text")
    if fields.get("type", "SMS") not in TEMPLATE_TYPES:
        raise ApiError(400, "TMPL-002", "'type' must be SMS or Web")
    if "name" in fields and not fields["name"].strip():
        raise ApiError(400, "TMPL-002", "'name' must not be empty")
    return fields


async def list_templates(request: Request, state: SimulatorState) -> Response:
    offset, limit = page_params(request)
    needle = (request.query_params.get("name") or "").casefold()
    with state.lock:
        found = [template for template in state.templates.values() if needle in template.name.casefold()]
        found.sort(key=lambda template: (template.name.casefold(), template.id))
        return page(found, offset, limit, template_json)


async def create_template(request: Request, state: SimulatorState) -> Response:
    fields = _fields(await json_object(request), creating=True)
    with state.lock:
        now = state.now()
        template = TemplateRecord(
            id=state.ids.new(),
            name=fields.get("name") or fields["template"][:30],
            template=fields["template"],
            type=fields.get("type", "SMS"),
            created_at=now,
            updated_at=now,
            created_by=API_ACTOR,
        )
        state.templates[template.id] = template
        return whole_list([template_json(template)], 201)


async def fetch_template(request: Request, state: SimulatorState) -> Response:
    with state.lock:
        return ok(template_json(_template(state, request.path_params["templateId"])))


async def update_template(request: Request, state: SimulatorState) -> Response:
    fields = _fields(await json_object(request), creating=False)
    with state.lock:
        template = _template(state, request.path_params["templateId"])
        for key, value in fields.items():
            setattr(template, key, value)
        template.updated_at = state.now()
        return ok(template_json(template))


async def remove_template(request: Request, state: SimulatorState) -> Response:
    with state.lock:
        del state.templates[_template(state, request.path_params["templateId"]).id]
    return JSONResponse({"success": True})


def routes() -> list[Route]:
    """The five template operations."""
    one = BASE + "/{templateId}"
    return [
        api_route("GET", BASE, list_templates),
        api_route("POST", BASE, create_template),
        api_route("GET", one, fetch_template),
        api_route("PUT", one, update_template),
        api_route("DELETE", one, remove_template),
    ]
