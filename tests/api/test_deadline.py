"""Drip answers (issue 10, point 14): every request has one overall deadline, token request included."""

from __future__ import annotations

import asyncio
import socket
import sys

import pytest

from sakari_tui.api import NO_RETRY, ApiSlow, ApiUnavailable, SakariClient

from .hostile import HostileServer, RawRequest, head, send_json

DEADLINE_S = 1.0
TIMEOUT_S = 30  # the per-chunk timeout, never reached: each byte comes well inside it


async def drip(request: RawRequest, writer) -> None:
    """Headers at once, then one byte of the body every 50 ms, for ever."""
    writer.write(head(200, {"Content-Type": "application/json", "Content-Length": "100000"}))
    await writer.drain()
    while True:
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(0.05)


async def silent(request: RawRequest, writer) -> None:
    """Reads the request and never answers."""
    await asyncio.sleep(3600)


async def ok(request: RawRequest, writer) -> None:
    await send_json(writer, 200, {"success": True, "data": {"id": "c1"}})


def client_of(server: HostileServer, **settings) -> SakariClient:
    return SakariClient(**server.client_settings(), timeout=TIMEOUT_S, deadline=DEADLINE_S, **settings)


async def bounded(awaitable):
    # An old client without the deadline fails this way instead of hanging the suite.
    return await asyncio.wait_for(awaitable, 15)


async def test_a_dripping_answer_to_a_send_is_slow_and_may_have_been_sent():
    async with HostileServer(drip) as server, client_of(server) as client:
        with pytest.raises(ApiSlow) as caught:
            await bounded(client.send_message(template="hi", conversations=["c1"]))
    error = caught.value
    assert isinstance(error, ApiUnavailable) and error.request_sent is True
    assert str(error) == "The Sakari API at 127.0.0.1 took longer than 1 s to answer."
    assert len(server.api_requests()) == 1


async def test_a_server_that_never_answers_is_slow():
    async with HostileServer(silent) as server, client_of(server, read_retry=NO_RETRY) as client:
        with pytest.raises(ApiSlow) as caught:
            await bounded(client.fetch_conversation("c1"))
    assert caught.value.request_sent is True


async def test_a_dripping_token_endpoint_is_slow():
    async with HostileServer(ok, token=drip) as server, client_of(server, read_retry=NO_RETRY) as client:
        with pytest.raises(ApiSlow):
            await bounded(client.fetch_conversation("c1"))
    assert server.api_requests() == []


async def test_the_deadline_is_per_request_and_a_fast_server_is_fine():
    async with HostileServer(ok) as server, client_of(server) as client:
        for _ in range(3):
            assert (await bounded(client.fetch_conversation("c1"))).id == "c1"


def test_the_default_deadline_is_thirty_seconds():
    client = SakariClient(account_id="a", client_id="c", client_secret="secret-value", api_url="http://127.0.0.1:9")
    assert client.deadline == 30.0


@pytest.mark.skipif(sys.platform != "linux", reason="relies on Linux dropping SYNs to a full accept queue")
async def test_a_connection_never_accepted_is_slow_and_certainly_not_sent():
    # A listening socket that never accepts, its one-place queue taken: the next SYN is dropped
    # (Linux), so the client's connect hangs, inside httpx's 10 s connect timeout.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    host, port = listener.getsockname()
    fillers = []
    try:
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex((host, port))
            fillers.append(filler)
        url = f"http://{host}:{port}"
        async with SakariClient(
            account_id="a",
            client_id="c",
            client_secret="secret-value-1",
            api_url=url,
            token_url=f"{url}/oauth2/token",
            timeout=TIMEOUT_S,
            deadline=DEADLINE_S,
        ) as client:
            with pytest.raises(ApiUnavailable) as caught:
                await bounded(client.send_message(template="hi", conversations=["c1"]))
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
    assert isinstance(caught.value, ApiSlow), caught.value
    assert caught.value.request_sent is False
