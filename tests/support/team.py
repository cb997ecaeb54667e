"""Teammates on the simulator's account: texts this machine did not send."""

from __future__ import annotations

from sakari_tui.simulator.conversations import queue_outgoing

ALEX = {"id": "usr-demo-agent", "firstName": "Alex", "lastName": "Rivera", "source": "hub"}


def colleague_writes(server, conversation_id, text="Hi! Alex here, looking into it now.", by=ALEX):
    """A teammate answers in the Hub (`by`: the message's `created.by`; None: Sakari names nobody)."""
    state = server.state
    with state.lock:
        conversation = state.conversations[conversation_id]
        contact = state.contacts[conversation.contact_id]
        return queue_outgoing(
            state, contact, conversation.sender_id, text, state.now(), reply_to=conversation, created_by=by
        )
