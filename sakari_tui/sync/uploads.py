"""Hosting an MMS row's attachment with Sakari before its send (used by delivery.py).

An upload is not a message: repeating one costs a stray link on Sakari, never a second text.
So it is simply made again whenever the row has no link yet (a crash during the upload, a
failure of any kind) or its link is about to expire, and the link is committed to the row, in
its own commit, before the send that carries it: a send resumed after a crash uses the same link
and is looked for by it (reconcile.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..api import BadResponse
from ..store import OutboxEntry, Store
from .events import Event, UploadProgress

if TYPE_CHECKING:
    from ..api import SakariClient

# A link that expires sooner than this (server time) is replaced before the send: the carrier
# fetches the file after Sakari accepts the message, and that may take a while.
LINK_MARGIN_S = 600.0
# UploadProgress at most this often (the bytes go out in 64 KB steps: hundreds a second).
PROGRESS_EVERY_S = 0.1

STAGED_COPY_GONE = "The attached file is gone from the outbox folder; attach it again."


class StagedCopyGone(Exception):
    """The row's staged copy cannot be read: nothing to upload (only the user can fix it)."""


def needs_upload(entry: OutboxEntry, server_now: float | None) -> bool:
    """An MMS row without a link, or whose link expires within `LINK_MARGIN_S` of the server's
    time (this machine's clock when no answer has told the server's yet)."""
    if not entry.is_mms:
        return False
    if entry.media_url is None:
        return True
    if entry.media_expires is None:
        return False  # Sakari did not say: the link is taken to last
    now = server_now if server_now is not None else time.time()
    return entry.media_expires - now <= LINK_MARGIN_S


class Uploader:
    """Uploads a row's staged copy and keeps the link in the row."""

    def __init__(
        self,
        client: SakariClient,
        store: Store,
        emit: Callable[[Event], None],
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.store = store
        self.emit = emit
        self.monotonic = monotonic

    async def upload(self, entry: OutboxEntry) -> None:
        """Host the staged copy and commit its link to the row. Raises `StagedCopyGone`, or the
        API's `SakariError` (the caller decides between waiting and failing)."""
        data = await self._read(entry)
        shared = await self.client.share_file(
            data,
            filename=entry.media_name or Path(entry.media_path or "file").name,
            content_type=entry.media_type or "application/octet-stream",
            multipart=True,
            progress=self._reporter(entry),
        )
        link = (shared.link or "").strip()
        if not link.lower().startswith(("https://", "http://")) or any(ch.isspace() for ch in link):
            # Sent with no link, the MMS would go out as a plain text without its picture.
            raise BadResponse("The Sakari API answered the upload without a usable link.")
        expires = shared.expires.timestamp() if shared.expires is not None else None
        self.store.outbox.set_media_link(entry, link, expires)

    async def _read(self, entry: OutboxEntry) -> bytes:
        if not entry.media_path:
            raise StagedCopyGone(STAGED_COPY_GONE)
        try:
            # Up to 5 MB: off the event loop, so the screen does not stall on a slow disk.
            data = await asyncio.to_thread(Path(entry.media_path).read_bytes)
        except OSError:
            raise StagedCopyGone(STAGED_COPY_GONE) from None
        if not data:
            raise StagedCopyGone(STAGED_COPY_GONE)
        return data

    def _reporter(self, entry: OutboxEntry) -> Callable[[int, int], None]:
        last = [float("-inf")]

        def report(sent: int, total: int) -> None:
            now = self.monotonic()
            if sent < total and now - last[0] < PROGRESS_EVERY_S:
                return  # the last step (all of it handed over) always shows
            last[0] = now
            self.emit(UploadProgress(entry.conversation_id, entry.local_id, sent, total))

        return report
