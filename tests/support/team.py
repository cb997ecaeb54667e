"""Teammates on the simulator's account: texts this machine did not send."""

from __future__ import annotations

from sakari_tui.simulator.conversations import queue_outgoing

ALEX = {"id": "usr-demo-agent", "firstName": "Alex", "lastName": "Rivera", "source": "hub"}
JORDAN = {"id": "usr-demo-jordan", "firstName": "Jordan", "lastName": "Lee", "source": "hub"}


def colleague_writes(server, conversation_id, text="Hi! Alex here, looking into it now.", by=ALEX):
    """A teammate answers in the Hub (`by`: the message's `created.by`; None: Sakari names nobody)."""
    state = server.state
    with state.lock:
        conversation = state.conversations[conversation_id]
        contact = state.contacts[conversation.contact_id]
        return queue_outgoing(
            state, contact, conversation.sender_id, text, state.now(), reply_to=conversation, created_by=by
        )


def colleague_edits(server, contact_id, *, by=JORDAN, **changes) -> None:
    """Another writer (the Hub, a CRM sync) changes the contact on the server."""
    with server.state.lock:
        record = server.state.contacts[contact_id]
        for name, value in changes.items():
            setattr(record, name, value)
        record.updated_by = by
