"""A scheduled reply with a photo: staged now, uploaded and sent as MMS at its time; taken back
into the draft, it leaves its copy behind and says so."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_asyncio

from sakari_tui.store import SendState, Store
from sakari_tui.store.outbox_media import local_file
from sakari_tui.sync.events import SendStateChanged

from .test_send_later import NOON_US, Clock, make_engine, open_conversation, sent_texts

UPLOAD = "POST /v1/tools/sharefile"


@pytest.fixture
def clock():
    return Clock(NOON_US)


@pytest_asyncio.fixture
async def later(server, clock):
    store = Store(":memory:")
    engine = make_engine(server, store, clock)
    yield engine
    await engine.client.aclose()
    store.close()


def uploads(server) -> int:
    return server.state.requests.snapshot().get(UPLOAD, 0)


async def test_a_scheduled_photo_is_uploaded_at_its_time_and_goes_once(server, later, clock, tmp_path):
    photo = tmp_path / "menu.jpg"
    photo.write_bytes(b"\xff\xd8 menu \xff\xd9")
    cid = await open_conversation(later)
    entry = later.schedule_reply(cid, "Tonight's menu", clock.at + 600, window=None, media=local_file(photo))
    assert later.store.outbox.get(entry.local_id).state is SendState.SCHEDULED and uploads(server) == 0
    photo.unlink()  # what goes is the copy made when it was scheduled
    clock.at += 600
    await later.retry_due()
    (mms,) = sent_texts(server, "Tonight's menu")
    assert mms.kind == "MMS" and len(mms.media) == 1 and uploads(server) == 1
    assert later.store.outbox.all() == [] and not Path(entry.media_path).exists()


async def test_a_scheduled_photo_taken_back_drops_its_copy_and_says_so(server, later, clock, tmp_path):
    photo = tmp_path / "menu.jpg"
    photo.write_bytes(b"\xff\xd8 menu \xff\xd9")
    cid = await open_conversation(later)
    entry = later.schedule_reply(cid, "Tonight's menu", clock.at + 600, window=None, media=local_file(photo))
    taken = later.cancel_scheduled(entry.local_id)
    assert taken.media_name == "menu.jpg" and later.store.drafts.get(cid) == "Tonight's menu"
    assert not Path(entry.media_path).exists()
    (cancelled,) = [e for e in later.events if isinstance(e, SendStateChanged) and e.state is SendState.CANCELLED]
    assert cancelled.error == (
        "Scheduled reply cancelled; its text is back in the draft. Attach menu.jpg again to send it."
    )
