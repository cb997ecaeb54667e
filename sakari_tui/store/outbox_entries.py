"""What an outbox row is (store/outbox.py has the table and the states' story): its state, its
schedule, the entry read from a row, and the placeholder id of a first text's conversation."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Any

NEW_CONVERSATION_PREFIX = "new:"
"""Placeholder conversation ids (`new:+14155550100`) of first texts Sakari has not confirmed yet."""


def placeholder_id(number: str) -> str:
    return NEW_CONVERSATION_PREFIX + number


def is_placeholder(conversation_id: str | None) -> bool:
    return bool(conversation_id) and conversation_id.startswith(NEW_CONVERSATION_PREFIX)


class SendState(str, Enum):
    SCHEDULED = "scheduled"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"  # only ever an event: a sent reply leaves the outbox
    FAILED = "failed"
    UNKNOWN = "unknown"
    CANCELLED = "cancelled"  # only ever an event: a scheduled reply went back into the draft


@dataclass(frozen=True)
class Schedule:
    """What a scheduled reply is checked against when its time comes (kept with the row, so the
    app and `sakari-tui outbox run` release it by the same rules, whichever comes first)."""

    scheduled_at: float
    """Wall-clock time (Unix seconds) it was scheduled."""
    base: str | None = None
    """The thread when it was scheduled (the collision guard's `DraftBase`, JSON)."""
    window: tuple[str, str] | None = None
    """The recipient's sending window ("08:00", "21:00"), re-checked at send time; None: not checked."""
    keep_on_reply: bool = False
    """The customer writing first does not cancel it."""
    collision_guard: bool = True
    """A colleague's answer since it was scheduled holds it back."""

    def to_json(self) -> str:
        return json.dumps(
            {
                "scheduled_at": self.scheduled_at,
                "base": self.base,
                "window": list(self.window) if self.window else None,
                "keep_on_reply": self.keep_on_reply,
                "collision_guard": self.collision_guard,
            }
        )

    @classmethod
    def from_json(cls, raw: str | None) -> Schedule | None:
        if not raw:
            return None
        value = json.loads(raw)
        window = value.get("window")
        return cls(
            scheduled_at=float(value.get("scheduled_at") or 0.0),
            base=value.get("base"),
            window=(str(window[0]), str(window[1])) if window else None,
            keep_on_reply=bool(value.get("keep_on_reply")),
            collision_guard=bool(value.get("collision_guard", True)),
        )


@dataclass
class OutboxEntry:
    local_id: str
    conversation_id: str
    contact_id: str | None
    text: str
    state: SendState
    created_at: datetime
    attempts: int = 0
    next_attempt: float = 0.0
    error: str | None = None
    exclude_ids: tuple[str, ...] = ()
    """Ids of matching messages that existed before this reply, so reconciliation never adopts them."""
    target: dict[str, Any] | None = None
    """A first text's recipient: {"number": E.164, "firstName", "lastName", "country"}; None for a reply."""
    not_before: float | None = None
    """Server time (Unix seconds) before which no server message can be this one; None: not known."""
    context: dict[str, str] | None = None
    """The contact's details the text's placeholders are filled from, as known when it was queued."""
    ambiguous_since: float | None = None
    """Engine time of the first outcome that left it unknown whether the text reached Sakari."""
    checks: int = 0
    """Looks on the server for it since then."""
    send_at: float | None = None
    """A scheduled reply's send time (wall clock, Unix seconds); None: send now."""
    schedule: Schedule | None = None
    """What a scheduled reply is checked against at its time; None for a reply sent at once."""
    media_path: str | None = None
    """The attachment's staged copy (what is uploaded); None: a plain SMS."""
    media_name: str | None = None
    """The attachment's file name as attached (sanitised, one line)."""
    media_type: str | None = None
    """Its MIME type, guessed from the name when attached."""
    media_size: int | None = None
    """Its size in bytes (of the staged copy)."""
    media_url: str | None = None
    """The link Sakari hosts it on, once uploaded (untrusted text: sanitise before showing it)."""
    media_expires: float | None = None
    """When that link stops working, in the server's time (Unix seconds); None: not said."""

    @property
    def is_mms(self) -> bool:
        return self.media_path is not None or self.media_url is not None


def entry_from_row(row: sqlite3.Row) -> OutboxEntry:
    return OutboxEntry(
        local_id=row["local_id"],
        conversation_id=row["conversation_id"],
        contact_id=row["contact_id"],
        text=row["text"],
        state=SendState(row["state"]),
        created_at=datetime.fromtimestamp(row["created_at"], timezone.utc),
        attempts=row["attempts"],
        next_attempt=row["next_attempt"],
        error=row["error"],
        exclude_ids=tuple(json.loads(row["exclude_ids"])),
        target=json.loads(row["target"]) if row["target"] else None,
        not_before=row["not_before"],
        context=json.loads(row["context"] or "{}"),
        ambiguous_since=row["ambiguous_since"],
        checks=row["checks"],
        send_at=row["send_at"],
        schedule=Schedule.from_json(row["schedule"]),
        media_path=row["media_path"],
        media_name=row["media_name"],
        media_type=row["media_type"],
        media_size=row["media_size"],
        media_url=row["media_url"],
        media_expires=row["media_expires"],
    )
