"""Status codes, envelopes and network failures map to one exception family (no simulator)."""

import asyncio
import json

import httpx
import pytest

from sakari_tui.api import (
    NO_RETRY,
    ApiUnavailable,
    AuthError,
    BadResponse,
    InvalidRequest,
    NotFound,
    RateLimited,
    SakariClient,
    SakariError,
)
from sakari_tui.api.auth import TokenManager, jwt_expiry, token_expiry
from sakari_tui.api.models import TokenResponse
from sakari_tui.api.transport import parse_retry_after

SECRET = "very-secret-value-123"


def make_jwt(exp):
    import base64

    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none'})}.{part({'exp': exp, 'sub': 'x'})}.sig"


def client_with(handler, **kwargs):
    return SakariClient(
        account_id="acc",
        client_id="cid",
        client_secret=SECRET,
        api_url="http://api.test",
        token_url="http://api.test/oauth2/token",
        transport=httpx.MockTransport(handler),
        **kwargs,
    )


def token_ok(request):
    return httpx.Response(200, json={"access_token": make_jwt(4_000_000_000), "token_type": "Bearer"})


def routed(api):
    def handler(request):
        if request.url.path == "/oauth2/token":
            return token_ok(request)
        return api(request)

    return handler


@pytest.mark.parametrize(
    "status, body, headers, kind, code",
    [
        (
            400,
            {"success": False, "error": {"code": "CONT-001", "message": "Invalid mobile number"}},
            {},
            InvalidRequest,
            "CONT-001",
        ),
        (
            404,
            {"success": False, "error": {"code": "CONV-001", "message": "Invalid conversation id"}},
            {},
            NotFound,
            "CONV-001",
        ),
        (
            403,
            {"success": False, "error": {"code": "ACCT-016", "message": "Insufficient access"}},
            {},
            AuthError,
            "ACCT-016",
        ),
        (
            429,
            {"success": False, "error": {"code": "RATE-001", "message": "Slow down"}},
            {"Retry-After": "7"},
            RateLimited,
            "RATE-001",
        ),
        (503, {"success": False, "error": {"code": "SYS-1", "message": "Down"}}, {}, ApiUnavailable, "SYS-1"),
        (500, None, {}, ApiUnavailable, None),
        (200, {"success": False, "error": {"code": "X-1", "message": "Nope"}}, {}, SakariError, "X-1"),
    ],
)
async def test_error_envelopes_become_typed_errors(status, body, headers, kind, code):
    calls = 0

    def api(request):
        nonlocal calls
        calls += 1
        if body is None:
            return httpx.Response(status, text="<html>oops</html>", headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    # One answer, one error: retrying is test_retry's. (With retries the 429's Retry-After: 7 was
    # slept for, for real: 7 s of the suite.)
    async with client_with(routed(api), read_retry=NO_RETRY) as client:
        with pytest.raises(kind) as caught:
            await client.fetch_conversation("c1")
    assert calls == 1
    error = caught.value
    assert isinstance(error, SakariError)
    assert error.code == code
    assert error.status == status
    assert error.message.endswith(".")
    if kind is RateLimited:
        assert error.retry_after == 7
    if kind is ApiUnavailable:
        assert error.request_sent is True


async def test_non_json_success_is_a_bad_response():
    async with client_with(routed(lambda r: httpx.Response(200, text="not json"))) as client:
        with pytest.raises(BadResponse):
            await client.fetch_conversation("c1")


async def test_unreadable_shape_is_a_bad_response_not_a_pydantic_error():
    bad = {"success": True, "data": {"id": {"nested": "not a string"}, "unread": 5}}
    async with client_with(routed(lambda r: httpx.Response(200, json=bad))) as client:
        with pytest.raises(BadResponse):
            await client.fetch_conversation("c1")


@pytest.mark.parametrize(
    "exc, sent",
    [
        (httpx.ConnectError("refused"), False),
        (httpx.ConnectTimeout("slow"), False),
        (httpx.ReadTimeout("slow"), True),
        (httpx.RemoteProtocolError("cut"), True),
        (httpx.ReadError("reset"), True),
    ],
)
async def test_network_failures_say_whether_the_request_went(exc, sent):
    def api(request):
        raise exc

    async with client_with(routed(api)) as client:
        with pytest.raises(ApiUnavailable) as caught:
            await client.send_message(template="hi", conversations=["c1"])
    assert caught.value.request_sent is sent
    assert "api.test" in caught.value.message


async def test_a_401_renews_the_token_once_and_retries():
    tokens = iter([make_jwt(4_000_000_000), make_jwt(4_000_000_001)])
    seen = []

    def handler(request):
        if request.url.path == "/oauth2/token":
            return httpx.Response(200, json={"access_token": next(tokens)})
        seen.append(request.headers["Authorization"])
        if len(seen) == 1:
            return httpx.Response(401, json={"success": False, "error": {"code": "AUTH-001", "message": "Expired"}})
        return httpx.Response(200, json={"success": True, "data": {"id": "c1"}})

    async with client_with(handler) as client:
        conversation = await client.fetch_conversation("c1")
    assert conversation.id == "c1"
    assert len(seen) == 2 and seen[0] != seen[1]


async def test_a_second_401_is_an_auth_error():
    def handler(request):
        if request.url.path == "/oauth2/token":
            return token_ok(request)
        return httpx.Response(401, json={"success": False, "error": {"code": "AUTH-001", "message": "Expired"}})

    async with client_with(handler) as client:
        with pytest.raises(AuthError):
            await client.fetch_conversation("c1")


async def test_refused_credentials_are_an_auth_error_without_the_secret():
    def handler(request):
        return httpx.Response(401, json={"success": False, "error": {"code": "AUTH-002", "message": f"bad {SECRET}"}})

    async with client_with(handler) as client:
        with pytest.raises(AuthError) as caught:
            await client.fetch_all_conversations()
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)
    assert SECRET not in repr(client)


def test_retry_after_seconds_date_and_cap():
    assert parse_retry_after("3") == 3
    assert parse_retry_after("100000") == 300
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 10) == 10
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_jwt_expiry_and_fallbacks():
    assert jwt_expiry(make_jwt(1234)) == 1234
    assert jwt_expiry("not-a-jwt") is None
    assert jwt_expiry("a.%%%.c") is None
    assert token_expiry(TokenResponse(access_token="opaque", expires_in=100), now=1000) == 1100
    assert token_expiry(TokenResponse(access_token="opaque"), now=1000) == 1000 + 30 * 60


async def test_many_concurrent_callers_share_one_refresh():
    calls = 0
    now = [1000.0]

    async def fetch():
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return TokenResponse(access_token=make_jwt(now[0] + 600))

    manager = TokenManager(fetch, clock=lambda: now[0])
    tokens = await asyncio.gather(*(manager.get() for _ in range(50)))
    assert calls == 1 and len(set(tokens)) == 1
    now[0] += 545  # inside the 60 s renewal margin before exp (1600)
    await asyncio.gather(*(manager.get() for _ in range(50)))
    assert calls == 2


async def test_renewal_after_rejection_is_not_repeated_by_every_caller():
    calls = 0

    async def fetch():
        nonlocal calls
        calls += 1
        return TokenResponse(access_token=f"opaque-{calls}")

    manager = TokenManager(fetch, clock=lambda: 0.0)
    first = await manager.get()
    renewed = await asyncio.gather(*(manager.renew_after_rejection(first) for _ in range(10)))
    assert calls == 2 and set(renewed) == {"opaque-2"}


async def test_path_segments_are_percent_encoded():
    seen = []

    def api(request):
        seen.append(request.url.raw_path.decode())
        return httpx.Response(204)

    async with client_with(routed(api)) as client:
        assert await client.unsubscribe_webhook("https://example.test/hook?a=1") is True
    assert seen == ["/v1/accounts/acc/webhooks/https%3A%2F%2Fexample.test%2Fhook%3Fa%3D1"]


def test_lone_surrogates_are_replaced_whatever_form_they_come_in():
    from sakari_tui.api.transport import _json_body

    escaped = httpx.Response(200, content=b'{"a": "x\\ud800y", "b": ["\\uDC01"]}')
    assert _json_body(escaped) == {"a": "x\ufffdy", "b": ["\ufffd"]}
    raw = httpx.Response(200, content=b'{"a": "x\xed\xa0\x80y"}')  # a surrogate encoded as UTF-8 bytes
    assert _json_body(raw) == {"a": "x\ufffdy"}
    pair = httpx.Response(200, content=b'{"a": "\\ud83d\\ude00"}')  # a valid pair is an emoji, kept
    assert _json_body(pair) == {"a": "😀"}
    plain = httpx.Response(200, content='{"a": "é 😀 \\u00e9"}'.encode())
    assert _json_body(plain) == {"a": "é 😀 é"}


def test_prepare_loads_the_http_stack_before_any_request():
    client = client_with(lambda request: httpx.Response(500))
    assert client._http_client is None  # built lazily: start-up does not pay for httpx
    client.prepare()
    assert client._http_client is not None
    asyncio.run(client.aclose())
