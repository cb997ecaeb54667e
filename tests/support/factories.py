"""Builders for what tests feed the app: API models as Sakari sends them, and settings for the simulator.

The models are built from wire-shaped dicts (camelCase, nested `{"at": ...}` times), the way the
client parses real answers, so a test that uses them goes through the same validation as a sync.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sakari_tui.api import Contact, Conversation, Message
from sakari_tui.config import SakariSection, Settings
from sakari_tui.simulator.server import SimulatorServer

# The fixed "now" of the builders: tests that draw ages pass a clock frozen at it.
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def conversation(
    cid,
    *,
    minutes_ago=0,
    text="hello",
    outgoing=False,
    unread=(),
    closed=False,
    name="Ana Silva",
    number="+15551230001",
    message_id=None,
    contact_id=None,
) -> Conversation:
    """A conversation whose last message is `text`, `minutes_ago` before NOW."""
    at = NOW - timedelta(minutes=minutes_ago)
    return Conversation.model_validate(
        {
            "id": cid,
            "contact": {"id": contact_id or f"k-{cid}", "firstName": name, "mobile": {"number": number}},
            "phoneNumber": {"number": "+14155550100"},
            "closed": closed,
            "unread": list(unread),
            "lastMessage": {
                "id": message_id or f"m-{cid}-{minutes_ago}",
                "message": text,
                "outgoing": outgoing,
                "status": "delivered" if outgoing else "received",
                "created": {"at": at.isoformat()},
                "conversation": {"id": cid},
            },
        }
    )


def message(
    mid: str,
    text: str = "hello",
    *,
    cid: str = "a",
    at: datetime | None = None,
    minutes_ago: int = 0,
    outgoing: bool = False,
    status: str | None = None,
    **fields: Any,
) -> Message:
    """A message of conversation `cid`, sent `minutes_ago` before NOW (or `at`); `fields` are wire
    fields added as they are (`error=`, `media=`, ...)."""
    created = at or NOW - timedelta(minutes=minutes_ago)
    return Message.model_validate(
        {
            "id": mid,
            "message": text,
            "outgoing": outgoing,
            "status": status if status is not None else ("delivered" if outgoing else "received"),
            "created": {"at": created.isoformat()},
            "conversation": {"id": cid},
            **fields,
        }
    )


def contact(cid: str, *, number: str | None = None, **fields: Any) -> Contact:
    """A contact record; `fields` are wire fields as Sakari names them (`firstName=`, `attributes=`, ...)."""
    data: dict[str, Any] = {"id": cid, **fields}
    if number is not None:
        data["mobile"] = {"number": number}
    return Contact.model_validate(data)


def settings_for(server: SimulatorServer, *, quiet_hours: bool = False, **ui) -> Settings:
    """Settings for the simulator. Quiet hours are off unless asked for: on the real clock, the
    demo contacts' nights would make sends ask first at some hours of the day and not at others.
    Auto-advance is off (set `settings.triage.auto_advance` where a test is about it)."""
    settings = Settings(sakari=SakariSection(**server.credentials()))
    settings.compose.quiet_hours = quiet_hours
    # Off unless a test is about it: the tests of sending look at the thread they sent in.
    settings.triage.auto_advance = False
    for key, value in ui.items():
        setattr(settings.ui, key, value)
    return settings
