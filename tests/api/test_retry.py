"""Reads are retried with backoff within a deadline; writes never are."""

import random

import httpx
import pytest

from sakari_tui.api import ApiUnavailable, RateLimited, RetryPolicy, SakariClient
from sakari_tui.api.retry import with_retries

from .test_transport import make_jwt


def scripted(responses):
    """A transport answering the API calls with the given (status, headers) in order."""
    calls = []

    def handler(request):
        if request.url.path == "/oauth2/token":
            return httpx.Response(200, json={"access_token": make_jwt(4_000_000_000)})
        calls.append((request.method, request.url.path))
        status, headers = responses[min(len(calls) - 1, len(responses) - 1)]
        if status == 200:
            return httpx.Response(200, json={"success": True, "data": {"id": "c1"}})
        if status == "connect":
            raise httpx.ConnectError("refused")
        return httpx.Response(status, headers=headers, json={"success": False, "error": {"code": "X", "message": "no"}})

    return httpx.MockTransport(handler), calls


def client(transport, **policy):
    return SakariClient(
        account_id="a",
        client_id="c",
        client_secret="s",
        api_url="http://api.test",
        token_url="http://api.test/oauth2/token",
        transport=transport,
        read_retry=RetryPolicy(base=0.001, cap=0.01, rng=random.Random(1), **policy),
    )


@pytest.mark.parametrize("failure", [(503, {}), (500, {}), ("connect", {}), (429, {"Retry-After": "0"})])
async def test_reads_retry_then_succeed(failure):
    transport, calls = scripted([failure, failure, (200, {})])
    async with client(transport) as c:
        assert (await c.fetch_conversation("c1")).id == "c1"
    assert len(calls) == 3


async def test_reads_give_up_after_the_attempts():
    transport, calls = scripted([(503, {})])
    async with client(transport, attempts=3) as c:
        with pytest.raises(ApiUnavailable):
            await c.fetch_conversation("c1")
    assert len(calls) == 3


async def test_long_retry_after_goes_to_the_caller_at_once():
    transport, calls = scripted([(429, {"Retry-After": "120"})])
    async with client(transport) as c:
        with pytest.raises(RateLimited) as caught:
            await c.fetch_conversation("c1")
    assert caught.value.retry_after == 120 and len(calls) == 1


async def test_client_errors_are_not_retried():
    transport, calls = scripted([(404, {})])
    async with client(transport) as c:
        with pytest.raises(Exception):  # noqa: B017  (which error is not the point: how many calls)
            await c.fetch_conversation("c1")
    assert len(calls) == 1


async def test_writes_are_never_retried():
    transport, calls = scripted([(503, {})])
    async with client(transport) as c:
        with pytest.raises(ApiUnavailable):
            await c.send_message(template="hi", conversations=["c1"])
        with pytest.raises(ApiUnavailable):
            await c.close_conversation("c1")
    assert [m for m, _ in calls] == ["POST", "PUT"]


async def test_deadline_stops_retries():
    now = [0.0]
    slept = []

    async def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    async def always_down():
        now[0] += 4.0  # each try takes 4 s
        raise ApiUnavailable("down", request_sent=False)

    policy = RetryPolicy(attempts=10, base=1.0, cap=1.0, deadline=10.0, rng=random.Random(2))
    with pytest.raises(ApiUnavailable):
        await with_retries(always_down, policy, sleep=sleep, clock=lambda: now[0])
    assert now[0] <= 10.0 + 4.0 and len(slept) <= 2


async def test_retry_after_is_honoured():
    slept = []

    async def sleep(seconds):
        slept.append(seconds)

    tries = iter([RateLimited("slow", retry_after=3.0), None])

    async def call():
        error = next(tries)
        if error:
            raise error
        return "ok"

    assert await with_retries(call, RetryPolicy(base=0.001, rng=random.Random(3)), sleep=sleep) == "ok"
    assert slept and slept[0] >= 3.0
