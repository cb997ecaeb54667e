"""Answer size (issue 10, point 13): the decoded size of every answer is capped, and reading a
compressed bomb never holds more than the cap in memory."""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib

import pytest

from sakari_tui.api import NO_RETRY, ApiUnavailable, BadResponse, SakariClient

from .hostile import HostileServer, RawRequest, gzip_bomb, head, send

TOO_LARGE = "The Sakari API sent an answer larger than 8 MB; it was not read."
CONVERSATION = {"success": True, "data": {"id": "c1"}}
TIMEOUT_S = 60  # a client that inflates the whole GiB fails here rather than after minutes


def serve(body: bytes, status: int = 200, **headers: str):
    async def api(request: RawRequest, writer) -> None:
        await send(writer, status, body, {"Content-Type": "application/json", **headers})

    return api


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return gzip_bomb(1 << 30)  # 1 GiB of zeros in about 1 MB


async def fetch(server: HostileServer, **client_settings):
    async with SakariClient(**server.client_settings(), **client_settings) as client:
        return await asyncio.wait_for(client.fetch_conversation("c1"), TIMEOUT_S)


async def test_a_gzip_bomb_is_refused_with_one_sentence(bomb):
    async with HostileServer(serve(bomb, **{"Content-Encoding": "gzip"})) as server:
        with pytest.raises(BadResponse) as caught:
            await fetch(server)
    assert str(caught.value) == TOO_LARGE
    assert caught.value.status == 200


async def test_a_gzip_bomb_from_the_token_endpoint_is_refused(bomb):
    async def token(request: RawRequest, writer) -> None:
        await send(writer, 200, bomb, {"Content-Type": "application/json", "Content-Encoding": "gzip"})

    async with HostileServer(serve(b""), token=token) as server:
        with pytest.raises(BadResponse) as caught:
            await fetch(server)
    assert str(caught.value) == TOO_LARGE


async def test_a_bomb_in_an_error_answer_still_gives_the_status_error(bomb):
    async with HostileServer(serve(bomb, status=502, **{"Content-Encoding": "gzip"})) as server:
        with pytest.raises(ApiUnavailable) as caught:
            await fetch(server, read_retry=NO_RETRY)
    assert caught.value.status == 502 and caught.value.request_sent is True


async def test_a_deflate_bomb_is_refused_too():
    compressor = zlib.compressobj(1)
    data = b"".join(compressor.compress(bytes(1 << 20)) for _ in range(64)) + compressor.flush()
    async with HostileServer(serve(data, **{"Content-Encoding": "deflate"})) as server:
        with pytest.raises(BadResponse, match="larger than 8 MB"):
            await fetch(server)


async def test_a_plain_answer_over_the_cap_is_refused_even_without_a_length():
    async def chunked(request: RawRequest, writer) -> None:
        writer.write(head(200, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}))
        chunk = b"x" * 65536
        for _ in range(200):  # 12.5 MiB, never announced
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            await writer.drain()
        writer.write(b"0\r\n\r\n")

    async with HostileServer(chunked) as server:
        with pytest.raises(BadResponse) as caught:
            await fetch(server)
    assert str(caught.value) == TOO_LARGE


async def test_an_announced_length_over_the_cap_is_refused_before_reading():
    async def announces(request: RawRequest, writer) -> None:
        writer.write(head(200, {"Content-Type": "application/json", "Content-Length": str(1 << 30)}))
        await writer.drain()
        await asyncio.sleep(TIMEOUT_S)  # never sends it: only the header can have stopped the client

    async with HostileServer(announces) as server:
        with pytest.raises(BadResponse, match="larger than 8 MB"):
            await fetch(server)


async def test_the_cap_can_be_set_per_client_and_per_call():
    body = json.dumps({"success": True, "data": {"id": "c1", "pad": "x" * 5000}}).encode()
    async with HostileServer(serve(gzip.compress(body), **{"Content-Encoding": "gzip"})) as server:
        async with SakariClient(**server.client_settings(), max_response_bytes=4096) as client:
            with pytest.raises(BadResponse, match="larger than 4 KB"):
                await client.fetch_conversation("c1")
            url = client._url("conversations", "c1")
            response = await client._call("GET", url, max_response_bytes=1 << 20)  # e.g. a file download
    assert response.json()["data"]["id"] == "c1"


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "deflate", "identity", "gzip, gzip"])
async def test_ordinary_compressed_answers_still_read(encoding):
    body = json.dumps(CONVERSATION).encode()
    for name in reversed([part.strip() for part in encoding.split(",")]):
        body = {"gzip": gzip.compress, "x-gzip": gzip.compress, "deflate": zlib.compress}.get(name, bytes)(body)
    async with HostileServer(serve(body, **{"Content-Encoding": encoding})) as server:
        conversation = await fetch(server)
    assert conversation.id == "c1"


async def test_raw_deflate_is_read_like_browsers_do():
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    body = compressor.compress(json.dumps(CONVERSATION).encode()) + compressor.flush()
    async with HostileServer(serve(body, **{"Content-Encoding": "deflate"})) as server:
        assert (await fetch(server)).id == "c1"


@pytest.mark.parametrize(
    "encoding, body",
    [
        ("br", b"\x8b\x02\x80{}\x03"),
        ("gzip", b"not gzip at all"),
        ("gzip", gzip.compress(json.dumps(CONVERSATION).encode(), mtime=0)[:-12]),
    ],
)
async def test_unreadable_encodings_are_a_bad_response(encoding, body):
    async with HostileServer(serve(body, **{"Content-Encoding": encoding})) as server:
        with pytest.raises(BadResponse) as caught:
            await fetch(server)
    assert caught.value.message.endswith(".") and "\n" not in caught.value.message


async def test_the_client_asks_only_for_encodings_it_decodes_itself():
    async with HostileServer(serve(json.dumps(CONVERSATION).encode())) as server:
        await fetch(server)
    assert {request.headers["accept-encoding"] for request in server.requests} == {"gzip, deflate"}
