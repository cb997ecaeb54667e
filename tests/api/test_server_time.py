"""The server's clock, estimated from the `Date` header of recent answers (for issue 10, point 3)."""

from __future__ import annotations

import email.utils

import httpx
import pytest

from sakari_tui.api import SakariClient

LOCAL_NOW = 1_700_000_000.0


class Clock:
    """The client's local time, moved by hand."""

    def __init__(self, start: float = LOCAL_NOW) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def client_with(dates, clock, *, while_answering=lambda: None) -> SakariClient:
    """Each API answer carries the next header from `dates` (None: no Date header at all)."""
    dates = iter(dates)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/token":
            return httpx.Response(200, json={"access_token": "opaque-token-123", "expires_in": 3600})
        while_answering()
        date = next(dates)
        headers = {} if date is None else {"Date": date}
        return httpx.Response(200, json={"success": True, "data": {"id": "c1"}}, headers=headers)

    return SakariClient(
        account_id="acc",
        client_id="cid",
        client_secret="secret-value-1",
        api_url="http://api.test",
        token_url="http://api.test/oauth2/token",
        transport=httpx.MockTransport(handler),
        clock=clock,
    )


def http_date(unix: float) -> str:
    return email.utils.formatdate(unix, usegmt=True)


@pytest.mark.parametrize("skew", [-600, 0, 600])
async def test_server_time_follows_the_date_header_whichever_way_the_clocks_differ(skew):
    clock = Clock()
    async with client_with([http_date(LOCAL_NOW + skew)] * 3, clock) as client:
        assert client.server_time() is None  # nothing heard yet
        for _ in range(3):
            await client.fetch_conversation("c1")
        clock.now = LOCAL_NOW + 100
        estimate = client.server_time()
    # The header says the whole second the server was in: the estimate is its middle.
    assert estimate == LOCAL_NOW + 100 + skew + 0.5


async def test_the_offset_is_taken_at_the_middle_of_the_request():
    clock = Clock()

    def two_seconds_pass() -> None:
        clock.now += 2.0

    async with client_with([http_date(LOCAL_NOW + 1000)], clock, while_answering=two_seconds_pass) as client:
        await client.fetch_conversation("c1")  # asked at LOCAL_NOW, answered at LOCAL_NOW + 2
        clock.now = LOCAL_NOW + 50
        assert client.server_time() == LOCAL_NOW + 50 + (1000 + 0.5 - 1)


async def test_one_odd_date_does_not_move_the_estimate():
    clock = Clock()
    dates = [http_date(LOCAL_NOW + 60)] * 2 + [http_date(LOCAL_NOW - 86_400)] + [http_date(LOCAL_NOW + 60)] * 2
    async with client_with(dates, clock) as client:
        for _ in dates:
            await client.fetch_conversation("c1")
        assert client.server_time() == LOCAL_NOW + 60.5


async def test_answers_without_a_readable_date_give_no_estimate():
    clock = Clock()
    async with client_with([None, "yesterday-ish", "Mon, 99 Foo 2024 99:99:99 GMT"], clock) as client:
        for _ in range(3):
            await client.fetch_conversation("c1")
        assert client.server_time() is None
