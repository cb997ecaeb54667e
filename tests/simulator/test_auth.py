"""OAuth2 token endpoint, bearer checks, expiry on a manual clock, and the account check."""

from __future__ import annotations

import base64
import json

import pytest

from .spec import validate_component, validate_response

GOOD = {
    "grant_type": "client_credentials",
    "client_id": "demo-client-id",
    "client_secret": "demo-client-secret-not-a-real-secret",
}


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


async def test_json_token_request_returns_a_jwt_shaped_bearer_token(make_sim, clock):
    sim = await make_sim(authenticate=False)
    response = await sim.client.post("/oauth2/token", json=GOOD)
    validate_response("auth.token", response)
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    header, payload, signature = body["access_token"].split(".")
    assert signature
    claims = _claims(body["access_token"])
    assert claims["sub"] == "demo-client-id"
    assert claims["iat"] == int(clock.now())
    assert claims["exp"] == int(clock.now()) + 3600


async def test_form_encoded_and_basic_auth_token_requests_work(make_sim):
    sim = await make_sim(authenticate=False)
    form = await sim.client.post("/oauth2/token", data=GOOD)
    assert form.status_code == 200
    basic = base64.b64encode(b"demo-client-id:demo-client-secret-not-a-real-secret").decode()
    response = await sim.client.post(
        "/oauth2/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("change", [{"client_secret": "wrong"}, {"client_id": "someone-else"}, {"client_secret": None}])
async def test_wrong_credentials_are_401_auth_003(make_sim, change):
    sim = await make_sim(authenticate=False)
    body = {**GOOD, **change}
    response = await sim.client.post("/oauth2/token", json={k: v for k, v in body.items() if v is not None})
    assert response.status_code == 401
    validate_component(response.json(), "ErrorResponse")
    assert response.json()["error"]["code"] == "AUTH-003"


async def test_unsupported_grant_type_is_400_auth_004(make_sim):
    sim = await make_sim(authenticate=False)
    response = await sim.client.post("/oauth2/token", json={**GOOD, "grant_type": "password"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "AUTH-004")


async def test_malformed_token_body_is_400_req_001(make_sim):
    sim = await make_sim(authenticate=False)
    response = await sim.client.post("/oauth2/token", content=b"{nope", headers={"Content-Type": "application/json"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "REQ-001")


@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Token abc", "Bearer not.a.token", "Bearer a.b", "Bearer a.b.\u00e9"]
)
async def test_missing_or_invalid_bearer_is_401_auth_001(sim, authorization):
    headers = {"Authorization": authorization.encode("latin-1")} if authorization else {}
    response = await sim.client.get(sim.url("/conversations"), headers=headers)
    assert response.status_code == 401
    validate_component(response.json(), "ErrorResponse")
    assert response.json() == {
        "success": False,
        "error": {"code": "AUTH-001", "message": response.json()["error"]["message"]},
    }


async def test_forged_signature_is_rejected(sim):
    header, payload, _ = sim.access_token.split(".")
    response = await sim.client.get(
        sim.url("/conversations"), headers={"Authorization": f"Bearer {header}.{payload}.forged"}
    )
    assert response.json()["error"]["code"] == "AUTH-001"


async def test_token_from_another_simulator_is_rejected(make_sim):
    first, second = await make_sim(), await make_sim()
    response = await second.client.get(second.url("/conversations"), headers=first.headers)
    assert response.status_code == 401


async def test_scheme_is_case_insensitive(sim):
    response = await sim.client.get(sim.url("/conversations"), headers={"Authorization": f"bearer {sim.access_token}"})
    assert response.status_code == 200


async def test_token_expires_after_its_ttl_on_the_manual_clock(make_sim, clock):
    sim = await make_sim(token_ttl=60)
    assert (await sim.call("GET", "/conversations")).status_code == 200
    clock.advance(59)
    assert (await sim.call("GET", "/conversations")).status_code == 200
    clock.advance(1)
    response = await sim.call("GET", "/conversations")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "AUTH-002")
    await sim.authenticate()
    assert (await sim.call("GET", "/conversations")).status_code == 200


async def test_wrong_account_in_the_path_is_403_acct_008(sim):
    response = await sim.client.get("/v1/accounts/someone-else/conversations", headers=sim.headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "ACCT-008"


async def test_credentials_are_configurable(make_sim):
    sim = await make_sim(account_id="acct-42", client_id="cid", client_secret="shh")
    assert sim.url() == "/v1/accounts/acct-42"
    assert (await sim.call("GET", "/contacts")).status_code == 200
    assert (await sim.client.post("/oauth2/token", json=GOOD)).status_code == 401
