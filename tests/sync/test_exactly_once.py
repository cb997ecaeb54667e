"""Issue 10, points 1-6: the ways a text could go twice, each against the simulator.

Each test sets up the fault where it lives (the answer lost after the server saved the text, a
commit after our timeout, clocks that disagree, a second instance, a 2xx we cannot read, a new
conversation) and counts the copies on the server.
"""

import time

import pytest

from sakari_tui.api import ApiUnavailable, BadResponse, SakariClient, SendMessagesResult
from sakari_tui.simulator import ManualClock, SimulatorServer
from sakari_tui.store import SendState, Store, StoreLocked, StoreWriteError
from sakari_tui.sync import ConversationMoved, InboxEngine

SEND = "POST /v1/accounts/{accountId}/messages"


def copies(server, text):
    return [m for m in server.state.messages.values() if m.outgoing and m.text == text]


@pytest.fixture
async def row(engine):
    await engine.sync_conversations()
    engine.delivery.reconcile_at = (0.0, 10.0, 30.0)
    return next(r for r in engine.store.inbox.rows() if not r.opted_out and not r.closed)


async def looks_until_settled(engine, now, rounds=6, step=60.0):
    for _ in range(rounds):
        now[0] += step
        await engine.retry_due()


def lose_every_answer(engine, monkeypatch) -> None:
    """Every send's answer is lost after the request left, and nothing reaches the server."""

    async def lost(**kwargs):
        raise ApiUnavailable("The connection was cut.", request_sent=True)

    monkeypatch.setattr(engine.client, "send_message", lost)


def engine_clock(engine, start=1_000_000.0):
    now = [start]
    engine.clock = engine.delivery.clock = lambda: now[0]
    return now


async def test_a_reply_with_a_placeholder_whose_answer_is_lost_is_found_not_resent(server, engine, row):
    # Sakari renders {{firstName}}, so its copy never equals what we sent word for word.
    server.state.set_faults(drop_after_commit_rate=1.0, operations=(SEND,))
    text = "Hi {{firstName}}, your order is ready."
    message = await engine.reply(row.id, text)
    assert message is not None and engine.pending == {}
    sent = [m for m in server.state.messages.values() if m.outgoing and m.text.endswith(", your order is ready.")]
    assert len(sent) == 1 and "{{" not in sent[0].text


async def test_a_commit_after_our_timeout_is_found_later_and_never_resent(server, engine, row, monkeypatch):
    now = engine_clock(engine)
    real = engine.client.send_message
    calls = []

    async def times_out(**kwargs):  # the request went; Sakari saves it only after we gave up
        calls.append(kwargs)
        raise ApiUnavailable("The Sakari API did not answer in time.", request_sent=True)

    monkeypatch.setattr(engine.client, "send_message", times_out)
    local_id = engine.queue_reply(row.id, "saved at 27 s").local_id
    await engine.deliver(local_id)
    await looks_until_settled(engine, now, rounds=1, step=10.0)  # two looks: nothing there yet
    entry = engine.store.outbox.get(local_id)
    assert entry.state is SendState.UNKNOWN and not engine.gave_up(entry)
    monkeypatch.setattr(engine.client, "send_message", real)
    await real(template="saved at 27 s", conversations=[row.id])  # ...and now Sakari commits it
    await looks_until_settled(engine, now)
    assert engine.store.outbox.get(local_id) is None
    assert len(calls) == 1 and len(copies(server, "saved at 27 s")) == 1


async def test_nothing_found_in_the_whole_window_waits_for_the_user(server, engine, row, monkeypatch):
    now = engine_clock(engine)

    lose_every_answer(engine, monkeypatch)
    local_id = engine.queue_reply(row.id, "never arrived").local_id
    await engine.deliver(local_id)
    await looks_until_settled(engine, now, rounds=10)
    entry = engine.store.outbox.get(local_id)
    assert engine.gave_up(entry) and entry.attempts == 1
    assert "before sending it again" in entry.error and engine.in_flight() == []
    assert await engine.retry_due() == 0  # no more looks, and certainly no resend


@pytest.mark.parametrize("skew", [-600.0, 600.0])
async def test_clocks_ten_minutes_apart_still_find_the_reply(tmp_path, skew):
    # Sakari's clock runs `skew` seconds from ours: the match must use the server's own times.
    with SimulatorServer(seed=1, clock=ManualClock(start=time.time() + skew), customers=False) as server:
        client = SakariClient(
            account_id=server.account_id,
            client_id=server.client_id,
            client_secret=server.client_secret,
            api_url=server.base_url,
            token_url=server.token_url,
        )
        engine = InboxEngine(client, Store(":memory:"))
        await engine.sync_conversations()
        row = next(r for r in engine.store.inbox.rows() if not r.opted_out and not r.closed)
        server.state.set_faults(drop_after_commit_rate=1.0, operations=(SEND,))
        assert await engine.reply(row.id, f"skewed {skew}") is not None
        assert len(copies(server, f"skewed {skew}")) == 1 and engine.pending == {}
        await client.aclose()


async def test_an_older_identical_text_is_not_taken_for_the_new_one(server, engine, row, monkeypatch):
    await engine.reply(row.id, "OK")  # an earlier "OK", cached
    await engine.sync_thread(row.id)
    now = engine_clock(engine)

    lose_every_answer(engine, monkeypatch)
    local_id = engine.queue_reply(row.id, "OK").local_id
    await engine.deliver(local_id)
    await looks_until_settled(engine, now)
    assert engine.gave_up(engine.store.outbox.get(local_id))  # not "sent" on the strength of the old one


@pytest.mark.parametrize("body", ["empty data", "unreadable"])
async def test_a_2xx_we_cannot_read_is_reconciled_not_failed(server, engine, row, monkeypatch, body):
    real = engine.client.send_message

    async def odd_answer(**kwargs):
        await real(**kwargs)  # Sakari saved it...
        if body == "empty data":
            return SendMessagesResult.model_validate({})  # ...and answered {"success":true,"data":{}}
        raise BadResponse("The Sakari API answered HTTP 200 with a body that is not JSON.", status=200)

    monkeypatch.setattr(engine.client, "send_message", odd_answer)
    text = f"odd 200 ({body})"
    assert await engine.reply(row.id, text) is not None
    assert engine.pending == {} and len(copies(server, text)) == 1


async def test_a_second_instance_cannot_take_the_store(tmp_path):
    path = tmp_path / "inbox.sqlite3"
    first = Store(path, exclusive=True)
    first.outbox.add("c1", "k1", "in flight", ())
    with pytest.raises(StoreLocked) as refused:
        Store(path, exclusive=True)
    assert "Another sakari-tui is already using the local store" in str(refused.value)
    assert oct((tmp_path / "inbox.sqlite3.lock").stat().st_mode & 0o777) == "0o600"
    first.close()
    second = Store(path, exclusive=True)  # the first is gone: now its rows are this one's to recover
    assert [e.text for e in second.outbox.all()] == ["in flight"]
    second.close()


async def test_a_new_conversation_whose_answer_is_lost_shows_once_in_its_thread(server, engine):
    await engine.sync_conversations()
    server.state.set_faults(drop_after_commit_rate=1.0, operations=(SEND,))
    entry = engine.queue_new_conversation("+14155550199", "Your table is ready", first_name="Ines")
    placeholder = entry.conversation_id
    assert placeholder.startswith("new:") and engine.store.inbox.conversation(placeholder).contact.first_name == "Ines"
    assert [p.text for p in engine.thread(placeholder)[1]] == ["Your table is ready"]
    message = await engine.deliver(entry.local_id)
    assert message is not None and engine.pending == {}
    moved = [e for e in engine.events if isinstance(e, ConversationMoved)]
    assert len(moved) == 1 and moved[0].placeholder_id == placeholder
    real = moved[0].conversation_id
    assert engine.store.inbox.conversation(placeholder) is None
    assert engine.store.inbox.conversation(real) is not None
    assert [m.message for m in engine.thread(real)[0]].count("Your table is ready") == 1
    assert len(copies(server, "Your table is ready")) == 1


async def test_a_new_conversation_of_unknown_fate_waits_under_its_placeholder(server, engine, monkeypatch):
    now = engine_clock(engine)
    engine.delivery.reconcile_at = (0.0, 10.0, 30.0)

    lose_every_answer(engine, monkeypatch)
    entry = engine.queue_new_conversation("+14155550198", "Are you coming?")
    await engine.deliver(entry.local_id)
    await looks_until_settled(engine, now, rounds=12)
    left = engine.store.outbox.get(entry.local_id)
    assert engine.gave_up(left) and engine.store.inbox.conversation(entry.conversation_id) is not None
    assert [r.id for r in engine.store.inbox.rows()].count(entry.conversation_id) == 1
    engine.discard(entry.local_id)  # the user gives up on it: the placeholder goes too
    assert engine.store.inbox.conversation(entry.conversation_id) is None


async def test_a_reply_queued_in_a_placeholder_goes_to_the_number_and_moves_with_it(server, engine, sim_clock):
    await engine.sync_conversations()
    first = engine.queue_new_conversation("+14155550197", "First")
    second = engine.queue_reply(first.conversation_id, "Second")
    assert second.target == {"number": "+14155550197"}
    await engine.deliver(first.local_id)
    sim_clock.advance(1.0)
    await engine.deliver(second.local_id)
    assert engine.pending == {}
    real = next(e for e in engine.events if isinstance(e, ConversationMoved)).conversation_id
    assert [m.message for m in engine.thread(real)[0]][-2:] == ["First", "Second"]


async def test_a_send_cut_short_after_the_request_is_looked_for_not_resent(server, engine, row, monkeypatch):
    # The server took the text, then writing down the answer failed (say, the disk filled up).
    real_adopted = engine.store.outbox.adopted
    broken = [True]

    def disk_full_once(*args):
        if broken[0]:
            broken[0] = False
            raise StoreWriteError("Cannot write the local store at :memory:: the disk is full.")
        return real_adopted(*args)

    monkeypatch.setattr(engine.store.outbox, "adopted", disk_full_once)
    local_id = engine.queue_reply(row.id, "answer not written down").local_id
    with pytest.raises(StoreWriteError):
        await engine.deliver(local_id)
    assert engine.store.outbox.get(local_id).state is SendState.SENDING
    await engine.retry_due()  # the same process, disk fine again: found, not sent a second time
    assert engine.store.outbox.get(local_id) is None
    assert len(copies(server, "answer not written down")) == 1
