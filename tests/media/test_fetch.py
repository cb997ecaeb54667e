"""Fetching: only web links, at most five redirects to web links, a size limit held twice, one-sentence errors."""

from __future__ import annotations

import asyncio
import gzip
import socket
import subprocess
import sys

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from sakari_tui.media.attachments import attachment_from_media
from sakari_tui.media.fetch import Fetched, MediaError, fetch, fetch_to_file

from ..support.hostile import HOSTILE

LIMIT = 20_000_000


def box(url="https://media.example/files/1", name="damaged-box.png"):
    return attachment_from_media({"url": url, "filename": name, "type": "image/png"})


def serving(handler):
    """A MockTransport that records every request it answers."""
    requests = []

    def answer(request):
        requests.append(request)
        return handler(request)

    return httpx.MockTransport(answer), requests


async def test_fetch_returns_the_bytes_type_and_final_url():
    transport, requests = serving(
        lambda request: httpx.Response(200, content=b"png!", headers={"Content-Type": "Image/PNG; x=1"})
    )
    fetched = await fetch(box(), max_bytes=LIMIT, transport=transport)
    assert fetched == Fetched(data=b"png!", content_type="image/png", final_url="https://media.example/files/1")
    assert requests[0].headers["accept-encoding"] == "identity"
    assert "authorization" not in requests[0].headers


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("file:///etc/passwd", "Only http and https links are fetched; this one is a file: link."),
        ("javascript:alert(1)", "Only http and https links are fetched; this one is a javascript: link."),
        ("data:image/png;base64,iVBORw0KGgo=", "Only http and https links are fetched; this one is a data: link."),
        ("", "Only http and https links are fetched; this one has no link."),
        ("-https://media.example/a", "Only http and https links are fetched; this one is not a web link."),
        (
            "https://bank.example@evil.test/a",
            "Only http and https links are fetched; this one carries a user name before its host.",
        ),
    ],
)
async def test_a_link_that_is_not_a_plain_web_link_is_never_requested(url, sentence):
    transport, requests = serving(lambda request: httpx.Response(200))
    with pytest.raises(MediaError) as raised:
        await fetch(box(url), max_bytes=LIMIT, transport=transport)
    assert str(raised.value) == sentence
    assert requests == []


@pytest.mark.parametrize("key", sorted(HOSTILE))
async def test_hostile_links_are_refused_or_fetched_never_crash(key):
    transport, _ = serving(lambda request: httpx.Response(404))
    attachment = attachment_from_media({"url": HOSTILE[key], "name": "x"})
    with pytest.raises(MediaError) as raised:
        await fetch(attachment, max_bytes=LIMIT, transport=transport)
    message = str(raised.value)
    assert "\n" not in message and "\x1b" not in message and message.endswith(".")


async def test_redirects_are_followed_to_web_links():
    def handler(request):
        if request.url.path == "/files/1":
            return httpx.Response(302, headers={"Location": "/files/2"})
        if request.url.path == "/files/2":
            return httpx.Response(301, headers={"Location": "https://cdn.example/final.png"})
        return httpx.Response(200, content=b"final")

    transport, requests = serving(handler)
    fetched = await fetch(box(), max_bytes=LIMIT, transport=transport)
    assert fetched.data == b"final"
    assert fetched.final_url == "https://cdn.example/final.png"
    assert [str(request.url) for request in requests] == [
        "https://media.example/files/1",
        "https://media.example/files/2",
        "https://cdn.example/final.png",
    ]


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("file:///etc/passwd", "a file: link"),
        ("javascript:alert(1)", "a javascript: link"),
        ("https://user:pw@cdn.example/a", "a link with a user name"),
        ("//user@cdn.example/a", "a link with a user name"),
        ("", "nowhere"),
    ],
)
async def test_a_redirect_to_anything_but_a_web_link_is_refused(location, shown):
    transport, requests = serving(lambda request: httpx.Response(302, headers={"Location": location}))
    with pytest.raises(MediaError) as raised:
        await fetch(box(), max_bytes=LIMIT, transport=transport)
    assert str(raised.value) == (
        f"Could not fetch damaged-box.png: media.example redirected to {shown}, "
        "and only plain http and https links are followed."
    )
    assert len(requests) == 1


async def test_at_most_five_redirects():
    def handler(request):
        number = int(request.url.path.rsplit("/", 1)[-1])
        return httpx.Response(302, headers={"Location": f"/hop/{number + 1}"})

    transport, requests = serving(handler)
    with pytest.raises(MediaError) as raised:
        await fetch(box("https://media.example/hop/0"), max_bytes=LIMIT, transport=transport)
    assert str(raised.value) == "Could not fetch damaged-box.png: it was redirected more than 5 times."
    assert len(requests) == 6


async def test_a_declared_length_over_the_limit_is_refused_before_reading():
    read = []

    async def body():
        read.append("started")
        yield b"x" * 100

    def handler(request):
        return httpx.Response(200, headers={"Content-Length": "21000000"}, content=body())

    transport, _ = serving(handler)
    with pytest.raises(MediaError) as raised:
        await fetch(box(), max_bytes=LIMIT, transport=transport)
    assert str(raised.value) == "The file is larger than the 20 MB limit (attachments.max_download_mb)."
    assert read == []


async def test_a_stream_is_cut_once_it_passes_the_limit():
    sent = []

    async def endless():
        for _ in range(1000):
            sent.append(1)
            yield b"x" * 1000

    transport, _ = serving(lambda request: httpx.Response(200, content=endless()))
    with pytest.raises(MediaError) as raised:
        await fetch(box(), max_bytes=5000, transport=transport)
    assert str(raised.value) == "The file is larger than the 5 KB limit (attachments.max_download_mb)."
    assert len(sent) <= 7


async def test_exactly_the_limit_is_fine():
    transport, _ = serving(lambda request: httpx.Response(200, content=b"x" * 5000))
    assert len((await fetch(box(), max_bytes=5000, transport=transport)).data) == 5000


async def test_progress_counts_up_to_the_total():
    async def chunks():
        for _ in range(4):
            yield b"x" * 250

    calls = []
    transport, _ = serving(lambda request: httpx.Response(200, headers={"Content-Length": "1000"}, content=chunks()))
    await fetch(box(), max_bytes=LIMIT, transport=transport, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(250, 1000), (500, 1000), (750, 1000), (1000, 1000)]


async def test_progress_without_a_declared_length():
    async def chunks():
        yield b"ab"
        yield b"cde"

    calls = []
    transport, _ = serving(lambda request: httpx.Response(200, content=chunks()))
    await fetch(box(), max_bytes=LIMIT, transport=transport, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(2, None), (5, None)]


@pytest.mark.parametrize("status", [404, 403, 500, 304])
async def test_an_error_status_is_one_sentence_naming_the_host(status):
    transport, _ = serving(lambda request: httpx.Response(status, content=b"<html>secret page</html>"))
    with pytest.raises(MediaError) as raised:
        await fetch(box(), max_bytes=LIMIT, transport=transport)
    assert str(raised.value) == f"Could not fetch damaged-box.png from media.example: the server answered {status}."


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (httpx.ConnectTimeout("timed out"), "the server did not answer in time"),
        (httpx.ReadTimeout("timed out"), "the server did not answer in time"),
        (
            httpx.ConnectError("[Errno 111] Connection refused to https://media.example/files/1?sig=SECRET"),
            "could not connect",
        ),
        (httpx.RemoteProtocolError("Server disconnected"), "the connection failed"),
    ],
)
async def test_a_transport_failure_is_one_sentence(error, reason):
    def handler(request):
        raise error

    transport, _ = serving(handler)
    with pytest.raises(MediaError) as raised:
        await fetch(box("https://media.example/files/1?sig=SECRET"), max_bytes=LIMIT, transport=transport)
    assert str(raised.value) == f"Could not fetch damaged-box.png from media.example: {reason}."


async def test_a_body_cut_short_is_one_sentence():
    async def broken():
        yield b"half"
        raise httpx.ReadError("connection reset")

    transport, _ = serving(lambda request: httpx.Response(200, content=broken()))
    with pytest.raises(MediaError) as raised:
        await fetch(box(), max_bytes=LIMIT, transport=transport)
    assert str(raised.value) == "Could not fetch damaged-box.png from media.example: the download was cut short."


async def test_a_body_compressed_against_our_wish_is_refused():
    body = gzip.compress(b"\0" * 1_000_000)
    transport, _ = serving(lambda request: httpx.Response(200, content=body, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(MediaError) as raised:
        await fetch(box(), max_bytes=LIMIT, transport=transport)
    assert str(raised.value) == (
        "Could not fetch damaged-box.png from media.example: the server sent it compressed (gzip), though it was asked not to."
    )


async def test_identity_encoding_is_fine():
    transport, _ = serving(lambda request: httpx.Response(200, content=b"ok", headers={"Content-Encoding": "identity"}))
    assert (await fetch(box(), max_bytes=LIMIT, transport=transport)).data == b"ok"


def test_importing_fetch_loads_neither_httpx_nor_rich():
    probe = "import sys, sakari_tui.media.fetch; print(sorted({'httpx', 'rich', 'textual'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "[]"


# --- over a real loopback socket -----------------------------------------------------------------


def media_app():
    async def photo(request):
        return Response(b"\x89PNG real bytes", media_type="image/png")

    async def moved(request):
        return RedirectResponse("/photo", status_code=302)

    async def sneaky(request):
        return RedirectResponse("file:///etc/passwd", status_code=302)

    async def endless(request):
        async def body():
            for _ in range(100):
                yield b"y" * 4096

        return StreamingResponse(body(), media_type="image/png")

    return Starlette(
        routes=[Route("/photo", photo), Route("/moved", moved), Route("/sneaky", sneaky), Route("/endless", endless)]
    )


async def test_over_an_asgi_app():
    transport = httpx.ASGITransport(app=media_app())
    fetched = await fetch(box("http://127.0.0.1/moved"), max_bytes=LIMIT, transport=transport)
    assert fetched.data == b"\x89PNG real bytes"
    assert fetched.final_url == "http://127.0.0.1/photo"
    with pytest.raises(MediaError, match="redirected to a file: link"):
        await fetch(box("http://127.0.0.1/sneaky"), max_bytes=LIMIT, transport=transport)
    with pytest.raises(MediaError, match="larger than the 10 KB limit"):
        await fetch(box("http://127.0.0.1/endless"), max_bytes=10_000, transport=transport)


async def test_a_closed_port_on_loopback():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(MediaError) as raised:
        await fetch(box(f"http://127.0.0.1:{port}/x"), max_bytes=LIMIT, allow_private=True)
    assert str(raised.value) == "Could not fetch damaged-box.png from 127.0.0.1: could not connect."


async def test_a_server_that_never_answers_times_out():
    async def silent(reader, writer):
        await reader.read(1)
        await asyncio.sleep(5)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(MediaError) as raised:
            await fetch(box(f"http://127.0.0.1:{port}/x"), max_bytes=LIMIT, timeout=0.05, allow_private=True)
    finally:
        server.close()
    assert str(raised.value) == "Could not fetch damaged-box.png from 127.0.0.1: the server did not answer in time."


# --- fetch_to_file --------------------------------------------------------------------------------


async def test_fetch_to_file_streams_into_a_new_file(tmp_path):
    async def chunks():
        for number in range(3):
            yield bytes([number]) * 10

    (tmp_path / "damaged-box.png").write_bytes(b"already here")
    transport, _ = serving(lambda request: httpx.Response(200, content=chunks()))
    calls = []
    path = await fetch_to_file(
        box(), tmp_path, max_bytes=LIMIT, transport=transport, progress=lambda *a: calls.append(a)
    )
    assert path == tmp_path / "damaged-box (1).png"
    assert path.read_bytes() == b"\0" * 10 + b"\1" * 10 + b"\2" * 10
    assert (tmp_path / "damaged-box.png").read_bytes() == b"already here"
    assert calls == [(10, None), (20, None), (30, None)]


async def test_fetch_to_file_leaves_nothing_when_the_limit_is_passed(tmp_path):
    async def chunks():
        for _ in range(6):
            yield b"x" * 1000

    transport, _ = serving(lambda request: httpx.Response(200, content=chunks()))
    with pytest.raises(MediaError, match="larger than the 5 KB limit"):
        await fetch_to_file(box(), tmp_path / "out", max_bytes=5000, transport=transport)
    assert list((tmp_path / "out").iterdir()) == []


async def test_fetch_to_file_leaves_nothing_when_the_download_breaks(tmp_path):
    async def broken():
        yield b"half"
        raise httpx.ReadError("connection reset")

    transport, _ = serving(lambda request: httpx.Response(200, content=broken()))
    with pytest.raises(MediaError, match="cut short"):
        await fetch_to_file(box(), tmp_path, max_bytes=LIMIT, transport=transport)
    assert list(tmp_path.iterdir()) == []


async def test_fetch_to_file_never_requests_a_file_link(tmp_path):
    transport, requests = serving(lambda request: httpx.Response(200))
    with pytest.raises(MediaError, match="this one is a file: link"):
        await fetch_to_file(box("file:///etc/passwd"), tmp_path, max_bytes=LIMIT, transport=transport)
    assert requests == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "http://localhost/x.png",
        "http://10.0.0.8/router.png",
        "http://192.168.1.1/admin.png",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x.png",
        "http://[fd00::1]/x.png",
    ],
)
async def test_a_link_into_this_machine_or_its_network_is_not_fetched(url):
    with pytest.raises(MediaError, match="attachments are fetched only from the internet"):
        await fetch(box(url), max_bytes=LIMIT)


async def test_a_host_that_cannot_be_found_is_one_sentence(monkeypatch):
    import asyncio

    async def no_such_host(*args, **kwargs):
        raise OSError("Name or service not known")  # no DNS query leaves the test

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", no_such_host)
    with pytest.raises(MediaError, match="the host no-such-host.example cannot be found"):
        await fetch(box("http://no-such-host.example/x.png"), max_bytes=LIMIT)


async def test_a_name_that_resolves_into_the_network_is_not_fetched(monkeypatch):
    import asyncio
    import socket

    async def rebinding(host, port, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 0))]

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", rebinding)
    with pytest.raises(MediaError, match=r"media.example, an address of this machine or its network \(10.1.2.3\)"):
        await fetch(box("https://media.example/x.png"), max_bytes=LIMIT)


async def test_the_network_check_looks_up_the_name_httpx_connects_to(monkeypatch):
    """IDNA 2003 and 2008 disagree on ß: the check must resolve what httpx will connect to."""
    import asyncio
    import socket

    asked = []

    async def resolver(host, port, **kwargs):
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 0))]

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", resolver)
    with pytest.raises(MediaError, match="only from the internet"):
        await fetch(box("http://faß.example/x.png"), max_bytes=LIMIT)
    assert asked == ["xn--fa-hia.example"]
