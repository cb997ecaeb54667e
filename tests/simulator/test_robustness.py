"""Arbitrary JSON bodies never crash the simulator: every answer is < 500 and an envelope."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sakari_tui.simulator import SimulatorServer

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(["+14155550142", "STOP", "vip", "M", "SMS", "MMS", "http://127.0.0.1:9/x"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "mobile",
                    "number",
                    "country",
                    "id",
                    "firstName",
                    "tags",
                    "tag",
                    "attributes",
                    "template",
                    "contacts",
                    "conversations",
                    "filters",
                    "media",
                    "url",
                    "type",
                    "trigger",
                    "code",
                    "name",
                    "eventTypes",
                    "phoneNumberFilter",
                    "group",
                    "comparator",
                    "value",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=8,
)
_WRITES = [
    ("POST", "/contacts"),
    ("POST", "/messages"),
    ("POST", "/templates"),
    ("POST", "/campaigns"),
    ("POST", "/webhooks"),
]


@pytest.fixture(scope="module")
def api():
    with SimulatorServer(demo_data=False, failure_rate=0.0) as server, httpx.Client(base_url=server.base_url) as client:
        token = client.post(
            "/oauth2/token",
            json={
                "grant_type": "client_credentials",
                "client_id": server.client_id,
                "client_secret": server.client_secret,
            },
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        client.headers["X-Account"] = f"/v1/accounts/{server.account_id}"
        yield client


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(_WRITES), body=_json)
def test_random_bodies_get_an_envelope_never_a_server_error(api, target, body):
    method, suffix = target
    response = api.request(method, api.headers["X-Account"] + suffix, json=body)
    assert response.status_code < 500, response.text
    assert response.json()["success"] is (response.status_code < 400)
