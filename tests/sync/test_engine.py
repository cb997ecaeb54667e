"""The engine against the simulator over loopback: sync, incremental polling, reply, close, new."""

import pytest

from sakari_tui.api import SakariError
from sakari_tui.sync import ConversationsChanged, SendState, SendStateChanged, ThreadChanged


def list_requests(server):
    return server.state.request_counts().get("GET /v1/accounts/{accountId}/conversations", 0)


async def test_first_sync_walks_every_page_then_polls_stop_early(server, engine):
    engine.page_size = 10
    total = len(server.state.conversations)
    first = await engine.sync_conversations()
    assert len(first.changed) == total == engine.store.inbox.count()
    assert any(isinstance(e, ConversationsChanged) for e in engine.events)

    server.state.reset_request_counts()
    idle = await engine.sync_conversations()
    assert idle.changed == () and list_requests(server) == 1  # nothing changed: one page

    server.state.reset_request_counts()
    row = engine.store.inbox.rows(unread_first=False)[-1]  # the oldest conversation
    server.state.inject_inbound(row.number, "Any news on my order?", to=row.sender_number)
    changed = await engine.sync_conversations()
    assert list_requests(server) == 1
    assert changed.new_inbound and engine.store.inbox.rows()[0].unread


async def test_reply_appears_and_status_advances(server, engine, sim_clock):
    await engine.sync_conversations()
    row = next(r for r in engine.store.inbox.rows() if not r.opted_out and not r.closed)
    message = await engine.reply(row.id, "Thanks, on its way!")
    assert message is not None and message.outgoing
    states = [e.state for e in engine.events if isinstance(e, SendStateChanged)]
    assert states == [SendState.QUEUED, SendState.SENDING, SendState.SENT]
    messages, pending = engine.thread(row.id)
    assert pending == [] and messages[-1].message == "Thanks, on its way!"
    sim_clock.advance(10)
    await engine.sync_thread(row.id)
    latest = [m for m in engine.store.inbox.thread(row.id) if m.id == message.id][0]
    assert latest.status in ("delivered", "undelivered", "error")
    assert any(isinstance(e, ThreadChanged) for e in engine.events)


async def test_reply_to_opted_out_contact_fails_with_reason(server, engine):
    await engine.sync_conversations()
    row = next(r for r in engine.store.inbox.rows() if r.opted_out)
    local_id = engine.queue_reply(row.id, "Hello?").local_id
    await engine.deliver(local_id)
    entry = engine.store.outbox.get(local_id)
    assert entry.state is SendState.FAILED and "CONT-010" in entry.error and entry.text == "Hello?"


async def test_close_and_inbound_after_close_opens_a_new_conversation(server, engine):
    await engine.sync_conversations()
    row = next(r for r in engine.store.inbox.rows() if not r.closed and not r.opted_out)
    closed = await engine.close_conversation(row.id)
    assert closed.closed and engine.store.inbox.conversation(row.id).closed
    server.state.inject_inbound(row.number, "One more question", to=row.sender_number)
    result = await engine.sync_conversations()
    new_ids = [cid for cid in result.new_inbound if cid != row.id]
    assert new_ids, "a text after close must arrive in a new conversation"
    assert not engine.store.inbox.conversation(new_ids[0]).closed


async def test_start_conversation_and_invalid_number(server, engine):
    conversation_id = await engine.start_conversation("+14155550123", "Hello from the shop", first_name="Nia")
    conversation = engine.store.inbox.conversation(conversation_id)
    assert conversation is not None and conversation.contact.first_name == "Nia"
    assert engine.store.inbox.thread(conversation_id)[-1].message == "Hello from the shop"
    with pytest.raises(SakariError) as caught:
        await engine.start_conversation("+1", "nope")
    assert caught.value.code == "CONT-001"


async def test_older_messages_load_by_page(server, engine):
    await engine.sync_conversations()
    longest = max(
        server.state.conversations,
        key=lambda cid: sum(1 for m in server.state.messages.values() if m.conversation_id == cid),
    )
    engine.thread_page_size = 20
    await engine.sync_thread(longest)
    assert engine.store.inbox.message_count(longest) == 20
    assert await engine.load_older(longest) == 20
    assert engine.store.inbox.message_count(longest) == 40
