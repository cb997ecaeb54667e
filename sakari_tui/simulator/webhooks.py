"""Webhook events: queued under the state lock, delivered best-effort, to loopback receivers only.

The simulator is a sandbox that must never reach out to the internet, whatever URL a client
subscribes: deliveries go only to 127.0.0.0/8, ::1 and `localhost`; any other URL is kept in the
subscription list (so the API behaves normally) but its deliveries are skipped and logged.

Payloads follow the shape Sakari's help centre shows (`{accountId, eventType, payload: {...}}`)
rather than the spec's legacy `Event` schema; see the API notes §9.
"""

from __future__ import annotations

import asyncio
import ipaddress
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from .clock import iso
from .records import ContactRecord, ConversationRecord, MessageRecord
from .serialize import View, contact_identifiers, contact_json, conversation_json, message_json

if TYPE_CHECKING:
    from .state import SimulatorState

#: Event types a subscription may ask for: the spec's current list plus its legacy `conversation-closed`.
EVENT_TYPES = frozenset(
    {
        "contact-created",
        "contact-updated",
        "contact-removed",
        "message-received",
        "message-sent",
        "message-status",
        "conversation-started",
        "conversation-closed",
        "contact-opt-out",
        "contact-opt-in",
        "list-opt-out",
        "list-opt-in",
    }
)


def is_loopback_url(url: str) -> bool:
    """True when `url` is http(s) to a loopback host, the only place webhooks are delivered."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def _webhook_view(state: SimulatorState) -> View:
    # The help centre's payload example carries `closed` as a date or null.
    return View(base_url=state.public_base_url, closed_as_timestamp=True)


def _queue(state: SimulatorState, event_type: str, payload: dict, at: float) -> None:
    state.pending_events.append(
        {
            "accountId": state.config.account_id,
            "eventId": secrets.token_hex(12),
            "eventType": event_type,
            "created": iso(at),
            "payload": {"accountId": state.config.account_id, **payload},
        }
    )


def queue_message_event(state: SimulatorState, event_type: str, message: MessageRecord, at: float) -> None:
    """Queue message-received / message-sent / message-status for `message` (under the lock)."""
    if not state.wants_event(event_type):
        return
    view = _webhook_view(state)
    conversation = state.conversations[message.conversation_id]
    sender = state.sender(message.sender_id)
    body = message_json(state, message, view)
    payload = {
        **body,
        "conversation": {
            "id": conversation.id,
            "closed": iso(conversation.closed_at) if conversation.closed_at is not None else None,
            "group": {"id": sender.group_id},
            "phoneNumber": {"id": sender.id, "number": sender.number, "country": sender.country},
        },
        "group": {"id": sender.group_id, "name": sender.group_name},
        "contact": contact_identifiers(state.contacts[message.contact_id]),
        "type": message.kind.lower(),
    }
    if message.job_id:
        payload["job"] = {"id": message.job_id}
    _queue(state, event_type, payload, at)


def queue_contact_event(state: SimulatorState, event_type: str, contact: ContactRecord, at: float) -> None:
    """Queue a contact-* event (under the lock)."""
    if state.wants_event(event_type):
        _queue(state, event_type, {"contact": contact_json(contact)}, at)


def queue_conversation_event(
    state: SimulatorState, event_type: str, conversation: ConversationRecord, at: float
) -> None:
    """Queue conversation-started / conversation-closed (under the lock)."""
    if state.wants_event(event_type):
        _queue(state, event_type, {"conversation": conversation_json(state, conversation, _webhook_view(state))}, at)


class WebhookDispatcher:
    """Sends queued events from the server's event loop, in order, one batch at a time."""

    def __init__(self, state: SimulatorState) -> None:
        self._state = state
        self._tasks: set[asyncio.Task] = set()
        self._locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}

    def kick(self) -> None:
        """Start delivering whatever is queued, without waiting for it (call from the loop)."""
        if not self._state.pending_events:
            return
        task = asyncio.get_running_loop().create_task(self.flush())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def flush(self) -> int:
        """Deliver every queued event now; returns how many deliveries were attempted."""
        loop = asyncio.get_running_loop()
        lock = self._locks.setdefault(loop, asyncio.Lock())
        async with lock:
            with self._state.lock:
                events = list(self._state.pending_events)
                self._state.pending_events.clear()
                hooks = [(hook.url, set(hook.event_types)) for hook in self._state.webhooks.values()]
            attempts = 0
            if not events:
                return attempts
            async with httpx.AsyncClient(timeout=self._state.config.webhook_timeout, trust_env=False) as client:
                for event in events:
                    for url, wanted in hooks:
                        if event["eventType"] in wanted:
                            attempts += 1
                            await self._deliver(client, url, event)
            return attempts

    async def _deliver(self, client: httpx.AsyncClient, url: str, event: dict) -> None:
        entry = {"url": url, "eventType": event["eventType"], "eventId": event["eventId"]}
        if not is_loopback_url(url):
            entry["result"] = "skipped: not a loopback address"
        else:
            try:
                response = await client.post(url, json=event)
                entry["result"] = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                entry["result"] = f"failed: {type(exc).__name__}"
        with self._state.lock:
            self._state.webhook_log.append(entry)

    async def aclose(self) -> None:
        """Wait for deliveries in flight (bounded by the webhook timeout)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
