"""Campaigns: list (name filter), create (201), fetch, update, remove. Campaigns are stored, never run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import ApiError
from ..records import API_ACTOR, CampaignRecord
from ..serialize import campaign_json
from .common import api_route, json_object, ok, page, page_params

if TYPE_CHECKING:
    from ..state import SimulatorState

BASE = "/v1/accounts/{accountId}/campaigns"
TRIGGER_CODES = ("M", "S", "FU")
# CampaignRequest's fields plus `name` and `reporting`, which Sakari's own samples send.
_FIELDS = ("name", "template", "trigger", "filters", "reporting")


def _campaign(state: SimulatorState, campaign_id: str) -> CampaignRecord:
    campaign = state.campaigns.get(campaign_id)
    if campaign is None:
        raise ApiError(404, "CAMP-001", "Campaign not found")
    return campaign


def _fields(body: dict) -> dict:
    """The known fields of a campaign body, validated; unknown ones are ignored (open schema)."""
    fields = {key: body[key] for key in _FIELDS if key in body and body[key] is not None}
    for key in ("name", "template"):
        if key in fields and not isinstance(fields[key], str):
            raise ApiError(400, "CAMP-002", f"'{key}' must be a string")
    for key in ("trigger", "filters", "reporting"):
        if key in fields and not isinstance(fields[key], dict):
            raise ApiError(400, "CAMP-002", f"'{key}' must be an object")
    code = fields.get("trigger", {}).get("code")
    if "trigger" in fields and code not in TRIGGER_CODES:
        raise ApiError(400, "CAMP-002", "trigger.code must be M (manual), S (scheduled) or FU (file upload)")
    return fields


async def list_campaigns(request: Request, state: SimulatorState) -> Response:
    offset, limit = page_params(request)
    needle = (request.query_params.get("name") or "").casefold()
    with state.lock:
        found = [c for c in state.campaigns.values() if needle in str(c.fields.get("name", "")).casefold()]
        found.sort(key=lambda campaign: (campaign.created_at, campaign.id), reverse=True)
        return page(found, offset, limit, campaign_json)


async def create_campaign(request: Request, state: SimulatorState) -> Response:
    fields = _fields(await json_object(request))
    with state.lock:
        now = state.now()
        campaign = CampaignRecord(
            id=state.ids.new(), created_at=now, updated_at=now, fields=fields, created_by=API_ACTOR
        )
        state.campaigns[campaign.id] = campaign
        return ok(campaign_json(campaign), 201)


async def fetch_campaign(request: Request, state: SimulatorState) -> Response:
    with state.lock:
        return ok(campaign_json(_campaign(state, request.path_params["campaignId"])))


async def update_campaign(request: Request, state: SimulatorState) -> Response:
    fields = _fields(await json_object(request))
    with state.lock:
        campaign = _campaign(state, request.path_params["campaignId"])
        campaign.fields.update(fields)
        campaign.updated_at = state.now()
        return ok(campaign_json(campaign))


async def remove_campaign(request: Request, state: SimulatorState) -> Response:
    with state.lock:
        del state.campaigns[_campaign(state, request.path_params["campaignId"]).id]
    return JSONResponse({"success": True})


def routes() -> list[Route]:
    """The five campaign operations."""
    one = BASE + "/{campaignId}"
    return [
        api_route("GET", BASE, list_campaigns),
        api_route("POST", BASE, create_campaign),
        api_route("GET", one, fetch_campaign),
        api_route("PUT", one, update_campaign),
        api_route("DELETE", one, remove_campaign),
    ]
