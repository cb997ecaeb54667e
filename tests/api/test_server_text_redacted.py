"""Credentials quoted in a server's error text (issue 10, point 15): a gateway that echoes the
request puts the bearer token and the client secret in its error; no SakariError may carry them."""

from __future__ import annotations

import json

import pytest

from sakari_tui import logs
from sakari_tui.api import NO_RETRY, SakariClient, SakariError

from .hostile import ACCESS_TOKEN, HostileServer, RawRequest, send, send_json


@pytest.fixture(autouse=True)
def _clean_registry():
    logs.forget_secrets()
    yield
    logs.forget_secrets()


def echo_of(request: RawRequest) -> str:
    """What a careless gateway says: the credentials first, so a cut message still holds them."""
    headers = dict(request.headers)
    authorization = headers.pop("authorization", "none")
    others = "; ".join(f"{name}: {value}" for name, value in headers.items())
    return (
        f"Gateway rejected the request (Authorization: {authorization}) with body {request.body.decode()} "
        f"and headers {others}"
    )


def echoing(status: int, *, in_code: bool = False, as_text: bool = False):
    async def handler(request: RawRequest, writer) -> None:
        if as_text:
            await send(writer, status, echo_of(request).encode(), {"Content-Type": "text/plain"})
            return
        error = {"code": echo_of(request) if in_code else "GW-1", "message": echo_of(request)}
        await send_json(writer, status, {"success": False, "error": error})

    return handler


def assert_clean(error: SakariError, settings: dict) -> None:
    for text in (str(error), repr(error), error.message, error.code or ""):
        assert ACCESS_TOKEN not in text
        assert ACCESS_TOKEN.split(".")[2] not in text  # not even the signature alone
        assert settings["client_secret"] not in text


@pytest.mark.parametrize("status", [400, 403, 404, 409, 422, 429, 500, 502, 200])
@pytest.mark.parametrize("in_code", [False, True])
async def test_an_api_error_echoing_the_request_holds_no_token(status, in_code):
    async with HostileServer(echoing(status, in_code=in_code)) as server:
        settings = server.client_settings()
        async with SakariClient(**settings, read_retry=NO_RETRY) as client:
            with pytest.raises(SakariError) as caught:
                await client.send_message(template="hi", conversations=["c1"])
    assert server.api_requests()[0].headers["authorization"] == f"Bearer {ACCESS_TOKEN}"  # it was echoed
    assert_clean(caught.value, settings)
    assert caught.value.message.startswith("Gateway rejected the request (Authorization: Bearer ***)")


@pytest.mark.parametrize("status", [400, 401, 500])
async def test_a_token_error_echoing_the_secret_holds_no_secret(status):
    async with HostileServer(echoing(200), token=echoing(status, in_code=True)) as server:
        settings = server.client_settings()
        async with SakariClient(**settings, read_retry=NO_RETRY) as client:
            with pytest.raises(SakariError) as caught:
                await client.fetch_conversation("c1")
    assert settings["client_secret"] in server.requests[0].body.decode()  # it was echoed
    assert_clean(caught.value, settings)


async def test_the_client_registers_its_secret_for_every_redaction():
    SakariClient(
        account_id="a", client_id="c", client_secret="only-known-to-the-client-42", api_url="http://127.0.0.1:9"
    )
    assert logs.redact("echo only-known-to-the-client-42") == "echo ***"


async def test_a_long_server_message_is_cut_to_a_short_sentence():
    async def rambling(request: RawRequest, writer) -> None:
        message = "Bad request " + "blah " * 5000 + f"Bearer {ACCESS_TOKEN}"
        await send_json(writer, 400, {"success": False, "error": {"code": "X-1", "message": message}})

    async with HostileServer(rambling) as server, SakariClient(**server.client_settings()) as client:
        with pytest.raises(SakariError) as caught:
            await client.send_message(template="hi", conversations=["c1"])
    assert len(caught.value.message) <= 300 and caught.value.message.endswith("…")
    assert json.dumps(caught.value.message).count("\\n") == 0
