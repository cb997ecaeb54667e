"""Contacts: list (filters), create (JSON or CSV, mergeStrategy), fetch, update, remove."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..contacts import (
    MERGE_STRATEGIES,
    create_or_merge,
    filter_contacts,
    import_csv,
    parse_contact_fields,
    remove_contact,
    update_contact,
)
from ..errors import ApiError
from ..records import API_ACTOR, ContactRecord
from ..serialize import contact_json
from .common import api_route, json_body, json_object, ok, page, page_params, whole_list

if TYPE_CHECKING:
    from ..state import SimulatorState

BASE = "/v1/accounts/{accountId}/contacts"
_FILTERS = ("firstName", "lastName", "mobile", "email", "tags")


def _contact(state: SimulatorState, contact_id: str) -> ContactRecord:
    contact = state.live_contact(contact_id)
    if contact is None:
        raise ApiError(404, "CONT-002", "Contact not found")
    return contact


async def list_contacts(request: Request, state: SimulatorState) -> Response:
    offset, limit = page_params(request)
    query = {name: request.query_params[name] for name in _FILTERS if request.query_params.get(name)}
    with state.lock:
        return page(filter_contacts(state, query), offset, limit, contact_json)


def _merge_strategy(request: Request) -> str | None:
    strategy = request.query_params.get("mergeStrategy") or None
    if strategy is not None and strategy not in MERGE_STRATEGIES:
        raise ApiError(400, "REQ-002", f"mergeStrategy must be one of {', '.join(MERGE_STRATEGIES)}")
    return strategy


async def create_contacts(request: Request, state: SimulatorState) -> Response:
    """201 with a list envelope for JSON (one object or a list), ContactUploadResponse for CSV."""
    strategy = _merge_strategy(request)
    if "text/csv" in request.headers.get("content-type", "").lower():
        text = (await request.body()).decode("utf-8", "replace")
        with state.lock:
            return JSONResponse(
                {"success": True, "data": import_csv(state, text, strategy, state.now(), API_ACTOR)}, 201
            )
    body = await json_body(request)
    if isinstance(body, dict):
        fields = parse_contact_fields(body)
        with state.lock:
            contact, _ = create_or_merge(state, fields, strategy, state.now(), API_ACTOR)
            return whole_list([contact_json(contact)], 201)
    if not isinstance(body, list) or not body:
        raise ApiError(400, "REQ-001", "Send a contact object or a non-empty list of them")
    items = [parse_contact_fields(item) for item in body]
    results: list[dict] = []
    with state.lock:
        for fields, raw in zip(items, body, strict=True):
            try:
                contact, _ = create_or_merge(state, fields, strategy, state.now(), API_ACTOR)
                results.append(contact_json(contact))
            except ApiError as exc:
                identifiers = {key: raw[key] for key in ("firstName", "lastName", "email", "mobile") if key in raw}
                results.append({**identifiers, "valid": False, "error": {"code": exc.code, "description": exc.message}})
    if all(not item.get("valid") for item in results):
        first = results[0]["error"]
        raise ApiError(400, first["code"], first["description"])
    return whole_list(results, 201)


async def fetch_contact(request: Request, state: SimulatorState) -> Response:
    with state.lock:
        return ok(contact_json(_contact(state, request.path_params["contactId"])))


async def update_contact_endpoint(request: Request, state: SimulatorState) -> Response:
    fields = parse_contact_fields(await json_object(request))
    with state.lock:
        contact = _contact(state, request.path_params["contactId"])
        update_contact(state, contact, fields, state.now(), API_ACTOR)
        return ok(contact_json(contact))


async def remove_contact_endpoint(request: Request, state: SimulatorState) -> Response:
    with state.lock:
        remove_contact(state, _contact(state, request.path_params["contactId"]), state.now())
    return JSONResponse({"success": True})


def routes() -> list[Route]:
    """The five contact operations."""
    one = BASE + "/{contactId}"
    return [
        api_route("GET", BASE, list_contacts),
        api_route("POST", BASE, create_contacts),
        api_route("GET", one, fetch_contact),
        api_route("PUT", one, update_contact_endpoint),
        api_route("DELETE", one, remove_contact_endpoint),
    ]
