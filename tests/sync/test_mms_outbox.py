"""MMS through the outbox, against the simulator on 127.0.0.1: the staged copy is uploaded once,
its link committed before the send, the message sent once as MMS and found only by its link."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
import pytest

from sakari_tui.api import ApiUnavailable, RateLimited
from sakari_tui.store import SendState
from sakari_tui.store.outbox_media import local_file
from sakari_tui.sync import ConversationMoved, InboxEngine
from sakari_tui.sync.events import SendStateChanged, UploadProgress
from sakari_tui.sync.uploads import LINK_MARGIN_S, STAGED_COPY_GONE, Uploader

SEND = "POST /v1/accounts/{accountId}/messages"
UPLOAD = "POST /v1/tools/sharefile"
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(3 * 64 * 1024)


@pytest.fixture
async def row(engine):
    await engine.sync_conversations()
    engine.delivery.reconcile_at = (0.0, 10.0, 30.0)
    return next(r for r in engine.store.inbox.rows() if not r.opted_out and not r.closed)


@pytest.fixture
def photo(tmp_path) -> Path:
    path = tmp_path / "receipt.png"
    path.write_bytes(PNG)
    return path


def uploads(server) -> int:
    return server.state.requests.snapshot().get(UPLOAD, 0)


def sent_with(server, url: str) -> list:
    return [m for m in server.state.messages.values() if m.outgoing and any(x["url"] == url for x in m.media)]


def texts(server, text: str) -> list:
    return [m for m in server.state.messages.values() if m.outgoing and m.text == text]


def engine_clock(engine, start=1_000_000.0):
    now = [start]
    engine.clock = engine.delivery.clock = lambda: now[0]
    return now


async def looks_until_settled(engine, now, rounds=6, step=60.0):
    for _ in range(rounds):
        now[0] += step
        await engine.retry_due()


async def served(url: str) -> bytes:
    async with httpx.AsyncClient(trust_env=False) as anyone:
        return (await anyone.get(url)).content


def lose_the_answer_after(engine, monkeypatch, *, reach_server: bool):
    """Every send's answer is lost after the request left (reaching Sakari or not)."""
    real = engine.client.send_message

    async def lost(**kwargs):
        if reach_server:
            await real(**kwargs)
        raise ApiUnavailable("The connection was cut.", request_sent=True)

    monkeypatch.setattr(engine.client, "send_message", lost)


async def test_an_mms_is_uploaded_then_sent_once_with_its_link(server, engine, row, photo, monkeypatch):
    real = engine.client.send_message
    at_send = {}

    async def spy(**kwargs):  # the link is on disk before the send goes
        at_send["row"] = engine.store.db.execute("SELECT state, media_url FROM outbox").fetchone()
        return await real(**kwargs)

    monkeypatch.setattr(engine.client, "send_message", spy)
    entry = engine.queue_reply(row.id, "Here is your receipt", local_file(photo))
    staged = Path(entry.media_path)
    message = await engine.deliver(entry.local_id)
    assert message is not None and engine.pending == {} and not staged.exists()
    state, url = at_send["row"]
    assert state == "sending" and url
    (mms,) = sent_with(server, url)
    assert (mms.kind, mms.text) == ("MMS", "Here is your receipt") and uploads(server) == 1
    assert [item.url for item in message.media] == [url] and await served(url) == PNG
    progress = [e for e in engine.events if isinstance(e, UploadProgress)]
    assert progress and progress[-1] == UploadProgress(row.id, entry.local_id, len(PNG), len(PNG))
    assert progress[-1].percent == 100 and all(e.total == len(PNG) for e in progress)
    states = [e.state for e in engine.events if isinstance(e, SendStateChanged)]
    assert states[0] is SendState.QUEUED and states[-1] is SendState.SENT


async def test_an_image_alone_goes_without_words(server, engine, row, photo):
    entry = engine.queue_reply(row.id, "", local_file(photo))
    assert await engine.deliver(entry.local_id) is not None
    (mms,) = sent_with(server, engine.store.inbox.thread(row.id, limit=1)[-1].media[0].url)
    assert mms.text == "" and mms.kind == "MMS"


async def test_the_copy_is_sent_even_when_the_original_is_gone(server, engine, row, photo):
    entry = engine.queue_reply(row.id, "the scan", local_file(photo))
    photo.unlink()
    message = await engine.deliver(entry.local_id)
    assert message is not None and await served(message.media[0].url) == PNG


async def test_a_staged_copy_that_is_gone_fails_with_a_sentence(server, engine, row, photo):
    entry = engine.queue_reply(row.id, "the scan", local_file(photo))
    Path(entry.media_path).unlink()
    assert await engine.deliver(entry.local_id) is None
    left = engine.store.outbox.get(entry.local_id)
    assert (left.state, left.error) == (SendState.FAILED, STAGED_COPY_GONE) and uploads(server) == 0
    assert STAGED_COPY_GONE == "The attached file is gone from the outbox folder; attach it again."


async def test_an_upload_sakari_refuses_fails_the_row_with_its_sentence(server, engine, row, photo):
    server.state.config.max_upload_bytes = 1000  # the simulator's 413 for a file over its limit
    photo.write_bytes(PNG[:5000])
    entry = engine.queue_reply(row.id, "too big for them", local_file(photo))
    assert await engine.deliver(entry.local_id) is None
    left = engine.store.outbox.get(entry.local_id)
    assert left.state is SendState.FAILED and left.error == "The file is larger than 1000 bytes. (FILE-002)"
    assert engine.delivery.refusals[entry.local_id].status == 413
    assert texts(server, "too big for them") == [] and left.media_url is None
    assert await engine.retry_due() == 0  # a refusal waits for the user


async def test_an_upload_the_server_fails_waits_and_goes_again(server, engine, row, photo):
    now = engine_clock(engine)
    server.state.set_faults(error_rate=1.0, operations=(UPLOAD,))
    entry = engine.queue_reply(row.id, "after a 5xx", local_file(photo))
    assert await engine.deliver(entry.local_id) is None
    left = engine.store.outbox.get(entry.local_id)
    assert left.state is SendState.QUEUED and "sent again automatically" in left.error
    assert left.next_attempt > now[0] and left.media_url is None and texts(server, "after a 5xx") == []
    server.state.set_faults(error_rate=0.0)
    now[0] = left.next_attempt
    await engine.retry_due()
    assert engine.pending == {} and len(texts(server, "after a 5xx")) == 1


async def test_an_upload_cut_off_before_it_connects_or_rate_limited_waits(server, engine, row, photo, monkeypatch):
    now = engine_clock(engine)
    failures = [
        ApiUnavailable("Cannot reach the Sakari API at 127.0.0.1; check the network.", request_sent=False),
        RateLimited("Too many requests.", retry_after=45.0),
    ]
    real = engine.client.share_file

    async def flaky(*args, **kwargs):
        if failures:
            raise failures.pop(0)
        return await real(*args, **kwargs)

    monkeypatch.setattr(engine.client, "share_file", flaky)
    entry = engine.queue_reply(row.id, "after two blips", local_file(photo))
    await engine.deliver(entry.local_id)
    first = engine.store.outbox.get(entry.local_id)
    assert first.state is SendState.QUEUED and first.attempts == 1
    now[0] = first.next_attempt
    await engine.retry_due()
    second = engine.store.outbox.get(entry.local_id)
    assert second.state is SendState.QUEUED and second.next_attempt >= now[0] + 45.0
    now[0] = second.next_attempt
    await engine.retry_due()
    assert engine.pending == {} and len(texts(server, "after two blips")) == 1


async def test_a_link_about_to_expire_is_uploaded_again_before_a_retry(server, engine, row, photo, monkeypatch):
    now = engine_clock(engine)
    real = engine.client.send_message
    refused_once = []

    async def blip_then_real(**kwargs):
        if not refused_once:
            refused_once.append(kwargs)
            raise ApiUnavailable("Cannot reach the Sakari API.", request_sent=False)
        return await real(**kwargs)

    monkeypatch.setattr(engine.client, "send_message", blip_then_real)
    entry = engine.queue_reply(row.id, "fresh link", local_file(photo))
    await engine.deliver(entry.local_id)
    waiting = engine.store.outbox.get(entry.local_id)
    old_url = waiting.media_url
    assert waiting.state is SendState.QUEUED and old_url and uploads(server) == 1
    # Time passed: the link's end is within the margin of the server's clock now.
    engine.store.outbox.set_media_link(waiting, old_url, engine.client.server_time() + LINK_MARGIN_S - 1)
    now[0] = waiting.next_attempt
    await engine.retry_due()
    assert engine.pending == {} and uploads(server) == 2
    (mms,) = texts(server, "fresh link")
    assert [item["url"] for item in mms.media] != [old_url] and sent_with(server, old_url) == []


async def test_a_link_that_lasts_is_not_uploaded_again(server, engine, row, photo, monkeypatch):
    now = engine_clock(engine)
    lose_the_answer_after(engine, monkeypatch, reach_server=False)
    entry = engine.queue_reply(row.id, "same link", local_file(photo))
    await engine.deliver(entry.local_id)
    await looks_until_settled(engine, now, rounds=4)
    left = engine.store.outbox.get(entry.local_id)
    assert engine.gave_up(left) and uploads(server) == 1  # looked for, never resent nor re-uploaded
    monkeypatch.undo()
    assert await engine.deliver(entry.local_id, resend=True) is not None  # the user's choice
    assert uploads(server) == 1 and len(sent_with(server, left.media_url)) == 1


async def test_a_lost_answer_is_found_by_its_link_and_not_resent(server, engine, row, photo):
    server.state.set_faults(drop_after_commit_rate=1.0, operations=(SEND,))
    entry = engine.queue_reply(row.id, "dropped after commit", local_file(photo))
    message = await engine.deliver(entry.local_id)
    assert message is not None and engine.pending == {}
    assert len(texts(server, "dropped after commit")) == 1 and uploads(server) == 1


async def test_an_sms_with_the_same_words_is_not_taken_for_the_mms(server, engine, row, photo, monkeypatch):
    now = engine_clock(engine)
    real = engine.client.send_message
    lose_the_answer_after(engine, monkeypatch, reach_server=False)
    entry = engine.queue_reply(row.id, "Your photo", local_file(photo))
    await engine.deliver(entry.local_id)
    await real(template="Your photo", conversations=[row.id])  # a plain text with the same words, meanwhile
    await looks_until_settled(engine, now)
    left = engine.store.outbox.get(entry.local_id)
    assert engine.gave_up(left), "an SMS must never be adopted for an MMS row"
    assert [m.kind for m in texts(server, "Your photo")] == ["SMS"]


async def test_an_mms_with_the_same_words_is_not_taken_for_an_sms(server, engine, row, photo, monkeypatch):
    now = engine_clock(engine)
    real = engine.client.send_message
    shared = await engine.client.share_file(PNG, filename="x.png", content_type="image/png", multipart=True)
    lose_the_answer_after(engine, monkeypatch, reach_server=False)
    entry = engine.queue_reply(row.id, "See you at 5")
    await engine.deliver(entry.local_id)
    await real(template="See you at 5", conversations=[row.id], media_urls=[shared.link])
    await looks_until_settled(engine, now)
    assert engine.gave_up(engine.store.outbox.get(entry.local_id))
    assert [m.kind for m in texts(server, "See you at 5")] == ["MMS"]


async def test_a_first_text_with_a_photo_opens_the_conversation_as_mms(server, engine, photo):
    await engine.sync_conversations()
    entry = engine.queue_new_conversation("+14155550177", "Welcome!", first_name="Ada", media=local_file(photo))
    assert entry.target and entry.media_name == "receipt.png"
    assert await engine.deliver(entry.local_id) is not None
    (mms,) = texts(server, "Welcome!")
    assert mms.kind == "MMS" and len(mms.media) == 1 and engine.pending == {}
    assert [e for e in engine.events if isinstance(e, ConversationMoved)]


async def test_two_engines_over_one_store_upload_and_send_once(server, engine, row, photo):
    second = InboxEngine(engine.client, engine.store)
    entry = engine.queue_reply(row.id, "only once", local_file(photo))
    results = await asyncio.gather(engine.deliver(entry.local_id), second.deliver(entry.local_id))
    assert sum(r is not None for r in results) == 1
    assert uploads(server) == 1 and len(texts(server, "only once")) == 1 and engine.pending == {}


def test_upload_progress_is_reported_at_most_ten_times_a_second():
    events = []
    at = [0.0]
    uploader = Uploader(None, None, events.append, monotonic=lambda: at[0])

    class Row:
        conversation_id, local_id = "c1", "out-1"

    report = uploader._reporter(Row())
    for sent in range(0, 1000, 10):  # a hundred steps within the same 0.05 s
        report(sent, 1000)
    at[0] = 0.05
    report(990, 1000)
    at[0] = 0.2
    report(995, 1000)
    report(1000, 1000)  # the last always shows
    assert [(e.sent, e.total) for e in events] == [(0, 1000), (995, 1000), (1000, 1000)]
    assert events[1].percent == 99


async def test_an_upload_answered_without_a_link_never_sends_the_text_alone(server, tmp_path, monkeypatch):
    from sakari_tui.api import SakariClient
    from sakari_tui.api.models import SharedFile
    from sakari_tui.store import SendState, Store
    from sakari_tui.store.outbox_media import local_file
    from sakari_tui.sync import InboxEngine

    picture = tmp_path / "label.png"
    picture.write_bytes(b"\x89PNG" + b"\0" * 64)
    store = Store(tmp_path / "inbox.sqlite3")
    client = SakariClient(**server.credentials())
    try:
        engine = InboxEngine(client, store)
        await engine.sync_conversations()
        row = next(r for r in store.inbox.rows() if not r.opted_out and not r.closed)

        async def no_link(*args, **kwargs):
            return SharedFile.model_validate({"link": "", "expires": None})

        monkeypatch.setattr(client, "share_file", no_link)
        entry = engine.queue_reply(row.id, "Your label", local_file(picture))
        assert await engine.deliver(entry.local_id) is None
        left = store.outbox.get(entry.local_id)
        assert left.state is SendState.QUEUED and "without a usable link" in left.error and not left.media_url
        with server.state.lock:
            assert not [m for m in server.state.messages.values() if m.outgoing and m.text == "Your label"]
    finally:
        store.close()
        await client.aclose()
