"""Send later against the simulator: a scheduled reply goes once, at its time, through the same
outbox and guards, or back into the draft when the customer or a colleague wrote first."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import pytest_asyncio

from sakari_tui.api import SakariClient
from sakari_tui.store import SendState, Store
from sakari_tui.sync import InboxEngine
from sakari_tui.sync.events import SendStateChanged
from sakari_tui.sync.scheduled import CUSTOMER_WROTE, OPTED_OUT

from ..support.team import colleague_edits, colleague_writes

WINDOW = ("08:00", "21:00")
# A Tuesday, 17:00 UTC: 11:00 in Chicago, noon in New York (inside every US window but Hawaii's).
NOON_US = datetime(2026, 12, 1, 17, 0, tzinfo=timezone.utc).timestamp()


class Clock:
    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def make_engine(server, store, clock):
    client = SakariClient(
        account_id=server.account_id,
        client_id=server.client_id,
        client_secret=server.client_secret,
        api_url=server.base_url,
        token_url=server.token_url,
    )
    events: list = []
    engine = InboxEngine(client, store, listener=events.append, clock=clock)
    engine.events = events
    return engine


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


async def open_conversation(engine, *, zone_prefix: str = "+1"):
    await engine.sync_conversations()
    row = next(
        r for r in engine.store.inbox.rows() if not r.opted_out and not r.closed and r.number.startswith(zone_prefix)
    )
    await engine.sync_thread(row.id)
    return row.id


def sent_texts(server, text):
    with server.state.lock:
        return [m for m in server.state.messages.values() if m.outgoing and m.text == text]


async def test_a_scheduled_reply_waits_for_its_time_and_goes_once(server, later, clock):
    cid = await open_conversation(later)
    entry = later.schedule_reply(cid, "Good morning, it ships today.", clock.at + 600, window=None)
    assert later.store.outbox.get(entry.local_id).state is SendState.SCHEDULED
    assert later.store.drafts.get(cid) == ""
    # Neither the poller's round nor a direct deliver sends it before its time.
    assert await later.deliver(entry.local_id) is None
    await later.retry_due()
    assert sent_texts(server, "Good morning, it ships today.") == []
    assert later.in_flight() == [] and [e.local_id for e in later.scheduled()] == [entry.local_id]
    clock.at += 600
    await later.retry_due()
    assert len(sent_texts(server, "Good morning, it ships today.")) == 1
    assert later.store.outbox.get(entry.local_id) is None
    await later.retry_due()
    assert len(sent_texts(server, "Good morning, it ships today.")) == 1


async def test_a_crash_between_schedule_and_send_keeps_the_row_and_it_goes_when_due(server, clock, tmp_path):
    path = tmp_path / "inbox.sqlite3"
    store = Store(path, exclusive=True)
    engine = make_engine(server, store, clock)
    cid = await open_conversation(engine)
    engine.schedule_reply(cid, "See you at nine.", clock.at + 3600, window=WINDOW)
    await engine.client.aclose()
    store.close()  # the process dies here (nothing was in flight)

    store = Store(path, exclusive=True)
    engine = make_engine(server, store, clock)
    engine.resume_outbox()
    await engine.retry_due()
    assert [e.state for e in store.outbox.all()] == [SendState.SCHEDULED]
    clock.at += 3600
    await engine.retry_due()
    assert len(sent_texts(server, "See you at nine.")) == 1 and store.outbox.all() == []
    await engine.client.aclose()
    store.close()


async def test_a_crash_mid_send_of_a_released_row_is_reconciled_not_resent(server, clock, tmp_path):
    path = tmp_path / "inbox.sqlite3"
    store = Store(path, exclusive=True)
    engine = make_engine(server, store, clock)
    cid = await open_conversation(engine)
    entry = engine.schedule_reply(cid, "Your parcel left.", clock.at + 60, window=None)
    send = engine.client.send_message

    async def sent_then_died(**kwargs):
        await send(**kwargs)
        raise RuntimeError("the process died with the answer in the socket")

    engine.client.send_message = sent_then_died
    clock.at += 60
    with pytest.raises(RuntimeError):
        await engine.retry_due()
    assert store.outbox.get(entry.local_id).state is SendState.SENDING
    await engine.client.aclose()
    store.close()

    store = Store(path, exclusive=True)
    engine = make_engine(server, store, clock)
    engine.resume_outbox()
    await engine.retry_due()
    assert len(sent_texts(server, "Your parcel left.")) == 1
    assert store.outbox.all() == []
    await engine.client.aclose()
    store.close()


async def test_the_customer_writing_first_puts_it_back_into_the_draft(server, later, clock):
    cid = await open_conversation(later)
    later.save_draft(cid, "")
    entry = later.schedule_reply(cid, "We open at nine.", clock.at + 3600, window=None)
    number = later.store.inbox.conversation(cid).contact.mobile.number
    server.state.inject_inbound(number, "Never mind, found it!")
    await later.sync_conversations()
    await later.retry_due()  # before its time: what the store has is enough to tell
    assert later.store.outbox.get(entry.local_id) is None
    assert later.store.drafts.get(cid) == "We open at nine."
    cancelled = [e for e in later.events if isinstance(e, SendStateChanged) and e.state is SendState.CANCELLED]
    assert [e.error for e in cancelled] == [CUSTOMER_WROTE]
    clock.at += 3600
    await later.retry_due()
    assert sent_texts(server, "We open at nine.") == []


async def test_a_draft_typed_since_is_kept_before_the_scheduled_text(server, later, clock):
    cid = await open_conversation(later)
    entry = later.schedule_reply(cid, "Scheduled text.", clock.at + 3600, window=None)
    later.save_draft(cid, "Typed since.")
    assert later.cancel_scheduled(entry.local_id) is not None
    assert later.store.drafts.get(cid) == "Typed since.\n\nScheduled text."
    assert later.cancel_scheduled(entry.local_id) is None


async def test_the_setting_keeps_it_when_the_customer_writes_first(server, later, clock):
    cid = await open_conversation(later)
    later.schedule_reply(cid, "Kept anyway.", clock.at + 60, window=None, keep_on_reply=True)
    number = later.store.inbox.conversation(cid).contact.mobile.number
    server.state.inject_inbound(number, "Any news?")
    await later.sync_conversations()
    clock.at += 60
    await later.retry_due()
    assert len(sent_texts(server, "Kept anyway.")) == 1


async def test_an_opt_out_meanwhile_refuses_it(server, later, clock):
    cid = await open_conversation(later)
    entry = later.schedule_reply(cid, "Offer ends soon.", clock.at + 60, window=None)
    contact_id = later.store.inbox.conversation(cid).contact.id
    colleague_edits(server, contact_id, blocked_at=server.state.now())  # they opted out on Sakari
    clock.at += 60
    await later.retry_due()
    left = later.store.outbox.get(entry.local_id)
    assert left.state is SendState.FAILED and left.error == OPTED_OUT
    assert sent_texts(server, "Offer ends soon.") == []


async def test_outside_the_window_at_its_time_it_waits_for_the_next_one(server, later, clock):
    cid = await open_conversation(later)
    number = later.store.inbox.conversation(cid).contact.mobile.number
    from sakari_tui.sms.quiet_hours import next_send_time_for

    # Its time comes at 10:00 UTC: the middle of the night all over the US mainland.
    night = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc).timestamp()
    entry = later.schedule_reply(cid, "Morning!", night, window=WINDOW)
    clock.at = night
    await later.retry_due()
    waiting = later.store.outbox.get(entry.local_id)
    expected = next_send_time_for(number, datetime.fromtimestamp(night, timezone.utc), *WINDOW)
    assert waiting.state is SendState.SCHEDULED and waiting.send_at == expected.at.timestamp()
    assert waiting.error.startswith("Outside their sending window at its time; it waits for Wed 08:00")
    assert sent_texts(server, "Morning!") == []
    clock.at = waiting.send_at
    await later.retry_due()
    assert len(sent_texts(server, "Morning!")) == 1


async def test_a_colleague_answering_meanwhile_holds_it_back_to_the_draft(server, later, clock):
    cid = await open_conversation(later)
    entry = later.schedule_reply(cid, "I'll check tomorrow.", clock.at + 60, window=None)
    server.state.clock.advance(5)
    colleague_writes(server, cid)  # not synced yet: only the guard's read at send time sees it
    clock.at += 60
    await later.retry_due()
    assert later.store.outbox.get(entry.local_id) is None
    assert later.store.drafts.get(cid) == "I'll check tomorrow."
    cancelled = [e for e in later.events if isinstance(e, SendStateChanged) and e.state is SendState.CANCELLED]
    assert cancelled and cancelled[-1].error.startswith("Alex") and "back in the draft" in cancelled[-1].error
    assert sent_texts(server, "I'll check tomorrow.") == []
