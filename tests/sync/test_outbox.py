"""Exactly once or visibly unknown: the outbox against the simulator's faults."""

import pytest

from sakari_tui.api import ApiUnavailable
from sakari_tui.store import SendState

SEND = "POST /v1/accounts/{accountId}/messages"


def on_server(server, text):
    return [m for m in server.state.messages.values() if m.text == text and m.outgoing]


@pytest.fixture
async def row(engine):
    await engine.sync_conversations()
    engine.delivery.reconcile_at = (0.0, 0.0)
    return next(r for r in engine.store.inbox.rows() if not r.opted_out and not r.closed)


async def settle(engine, rounds=6):
    for _ in range(rounds):
        await engine.retry_due()


async def test_recorded_on_disk_before_the_request(server, engine, row, monkeypatch):
    seen = {}

    async def spy(**kwargs):
        seen["rows"] = engine.store.db.execute("SELECT state FROM outbox").fetchall()
        raise ApiUnavailable("boom", request_sent=False)

    monkeypatch.setattr(engine.client, "send_message", spy)
    await engine.reply(row.id, "recorded first")
    assert [r["state"] for r in seen["rows"]] == ["sending"]


async def test_connect_error_is_retried_by_itself(server, engine, row, monkeypatch):
    real = engine.client.send_message
    calls = []

    async def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise ApiUnavailable("Cannot reach the Sakari API.", request_sent=False)
        return await real(**kwargs)

    monkeypatch.setattr(engine.client, "send_message", flaky)
    local_id = engine.queue_reply(row.id, "after a blip").local_id
    assert await engine.deliver(local_id) is None
    entry = engine.store.outbox.get(local_id)
    assert entry.state is SendState.QUEUED and "sent again automatically" in entry.error
    engine.store.outbox.update(entry.__class__(**{**entry.__dict__, "next_attempt": 0.0}))
    await settle(engine)
    assert engine.store.outbox.get(local_id) is None and len(on_server(server, "after a blip")) == 1


@pytest.mark.parametrize("fault", ["drop_after_commit_rate", "error_after_commit_rate"])
async def test_ambiguous_failure_after_commit_is_found_not_resent(server, engine, row, fault):
    server.state.set_faults(**{fault: 1.0, "operations": (SEND,)})
    text = f"committed then lost ({fault})"
    message = await engine.reply(row.id, text)
    assert message is not None and engine.pending == {}
    assert len(on_server(server, text)) == 1


async def test_a_server_error_is_looked_for_and_never_resent_by_itself(server, engine, row):
    # A 5xx may come after Sakari saved the text: only the user sends it again, and only once asked.
    server.state.set_faults(error_rate=1.0, operations=(SEND,))
    local_id = engine.queue_reply(row.id, "refused by a 503").local_id
    await engine.deliver(local_id)
    assert engine.store.outbox.get(local_id).state is SendState.UNKNOWN
    server.state.set_faults(error_rate=0.0)
    await settle(engine)
    entry = engine.store.outbox.get(local_id)
    assert engine.gave_up(entry) and "before sending it again" in entry.error
    assert on_server(server, "refused by a 503") == [] and engine.in_flight() == []
    assert await engine.deliver(local_id, resend=True) is not None
    assert len(on_server(server, "refused by a 503")) == 1


async def test_unknown_when_it_cannot_check_then_looks_again(server, engine, row):
    server.state.set_faults(error_rate=1.0)  # the send and the check both fail
    local_id = engine.queue_reply(row.id, "cannot tell").local_id
    await engine.deliver(local_id)
    entry = engine.store.outbox.get(local_id)
    assert entry.state is SendState.UNKNOWN and "cannot check" in entry.error and entry.checks == 0
    engine.store.outbox.update(entry.__class__(**{**entry.__dict__, "next_attempt": 0.0}))
    await settle(engine)  # still failing: stays unknown, a failed look does not count, never resent
    assert engine.store.outbox.get(local_id).checks == 0
    assert on_server(server, "cannot tell") == []
    server.state.set_faults(error_rate=0.0)
    entry = engine.store.outbox.get(local_id)
    engine.store.outbox.update(entry.__class__(**{**entry.__dict__, "next_attempt": 0.0}))
    await settle(engine)
    assert engine.gave_up(engine.store.outbox.get(local_id)) and on_server(server, "cannot tell") == []


async def test_identical_replies_are_each_sent_once(server, engine, row):
    server.state.set_faults(drop_after_commit_rate=1.0, operations=(SEND,))
    first = engine.queue_reply(row.id, "OK").local_id
    second = engine.queue_reply(row.id, "OK").local_id
    before = len(on_server(server, "OK"))
    await engine.deliver(first)
    await engine.deliver(second)
    assert engine.pending == {}
    assert len(on_server(server, "OK")) == before + 2


async def test_a_send_interrupted_by_a_crash_is_checked_at_start(server, engine, row):
    entry = engine.queue_reply(row.id, "was it sent?")
    await engine.client.send_message(template="was it sent?", conversations=[row.id])  # it went...
    entry.state = SendState.SENDING  # ...but the app died before recording the answer
    engine.store.outbox.update(entry)
    engine.resume_outbox()
    assert engine.store.outbox.get(entry.local_id).state is SendState.UNKNOWN
    await settle(engine)
    assert engine.store.outbox.get(entry.local_id) is None
    assert len(on_server(server, "was it sent?")) == 1


async def test_explicit_resend_of_unknown(server, engine, row):
    server.state.set_faults(error_rate=1.0)
    local_id = engine.queue_reply(row.id, "send it anyway").local_id
    await engine.deliver(local_id)
    server.state.set_faults(error_rate=0.0)
    assert await engine.deliver(local_id, resend=True) is not None
    assert len(on_server(server, "send it anyway")) == 1


async def test_outbox_survives_a_restart(tmp_path, server):
    from sakari_tui.store import Store

    store = Store(tmp_path / "s.sqlite3")
    entry = store.outbox.add("c1", "k1", "keep me", ())
    store.close()
    again = Store(tmp_path / "s.sqlite3")
    kept = again.outbox.get(entry.local_id)
    assert kept.text == "keep me" and kept.state is SendState.QUEUED
    again.close()
