"""Lone surrogates: JSON may legally carry `"\\ud800"`, which Python decodes to a str that cannot be encoded.

The UI side is covered (the sanitiser turns them into the placeholder). The store cannot hold
them (sqlite3 encodes to UTF-8), so the client must replace them when it decodes a response:
the client replaces them with U+FFFD as it reads the JSON, so one such character cannot stop the sync.
"""

from __future__ import annotations

import httpx

from sakari_tui.api import Message
from sakari_tui.store import Store
from sakari_tui.sync import InboxEngine
from sakari_tui.text import BIDI_PLACEHOLDER
from sakari_tui.ui.widgets.bubbles import bubble_for_message

from ..support.factories import settings_for

MARK = b"LONE-SURROGATE-HERE"


class SurrogateAPI(httpx.AsyncBaseTransport):
    """The real loopback transport; response bodies get MARK replaced by a JSON lone-surrogate escape."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        body = (await response.aread()).replace(MARK, b"\\ud800")
        headers = [
            (k, v) for k, v in response.headers.items() if k.lower() not in ("content-length", "content-encoding")
        ]
        return httpx.Response(response.status_code, headers=headers, content=body, request=request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def test_a_bubble_never_holds_a_lone_surrogate():
    message = Message.model_validate(
        {
            "id": "m1",
            "message": "a\ud800b",
            "outgoing": False,
            "status": "received",
            "media": [{"url": "https://media.example/\udfff.png"}],
        }
    )
    bubble = bubble_for_message(message)
    assert bubble.text == f"a{BIDI_PLACEHOLDER}b"
    [attachment] = bubble.media
    assert attachment.url == f"https://media.example/{BIDI_PLACEHOLDER}.png" and not attachment.openable
    (bubble.text + bubble.meta + "".join(a.line() + a.url + a.name for a in bubble.media)).encode("utf-8")


async def test_a_lone_surrogate_from_the_api_does_not_stop_the_sync(server):
    number = next(iter(server.state.contact_ids_by_mobile))
    server.state.inject_inbound(number, "hello " + MARK.decode() + " there")
    store = Store(":memory:")
    try:
        settings = settings_for(server)
        async with settings.sakari.make_client(transport=SurrogateAPI()) as client:
            await InboxEngine(client, store).sync_conversations()
        texts = [row.last_text for row in store.inbox.rows()]
        assert any(BIDI_PLACEHOLDER in (text or "") for text in texts)
    finally:
        store.close()
