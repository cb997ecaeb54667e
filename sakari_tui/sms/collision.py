"""The collision guard's decision: did anything arrive in the thread while the reply was written?

When a draft starts (its first keystroke) the thread's newest messages are remembered as its
`DraftBase`. On send the newest page is read again from Sakari; any message in it that is newer
than the base and not ours (an inbound text, a teammate's reply, an auto-reply, a campaign text)
holds the send, so that nobody answers a customer on top of a colleague. Times compared are all
the server's (`created.at` of messages), never this machine's clock; the "40 s ago" of the
sentence uses the server's clock as estimated from its answers when it is known.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from .authors import Author, AuthorKind

if TYPE_CHECKING:
    from ..api.models import Message

Ours = Callable[["Message"], bool]


def _iso(moment: datetime | None) -> str:
    return moment.astimezone(timezone.utc).isoformat() if moment is not None else ""


@dataclass(frozen=True)
class DraftBase:
    """The thread as it was when a draft started: the time of its newest message and the ids of
    the messages at that time (more than one when they share a timestamp)."""

    at: str = ""
    """ISO time (UTC) of the newest message then; "" for a thread that was empty."""
    ids: frozenset[str] = frozenset()

    @classmethod
    def of(cls, messages: Iterable[Message]) -> DraftBase:
        """The base of a draft started on a thread showing `messages`."""
        dated = [(_iso(m.created_at), m.id) for m in messages if m.id]
        if not dated:
            return cls()
        newest = max(at for at, _ in dated)
        return cls(newest, frozenset(mid for at, mid in dated if at == newest and mid))

    def is_newer(self, message: Message) -> bool:
        """`message` was not in the thread when the draft started."""
        if not message.id or message.id in self.ids:
            return False
        at = _iso(message.created_at)
        # No time at all: it cannot be placed, so it is taken as new (holding is the safe side).
        return not at or at >= self.at

    def to_json(self) -> str:
        return json.dumps({"at": self.at, "ids": sorted(self.ids)})

    @classmethod
    def from_json(cls, raw: str | None) -> DraftBase | None:
        """The base kept with a draft; None when none was kept or it cannot be read."""
        if not raw:
            return None
        try:
            value = json.loads(raw)
            return cls(str(value.get("at") or ""), frozenset(str(i) for i in value.get("ids") or ()))
        except (ValueError, AttributeError, TypeError):
            return None


@dataclass(frozen=True)
class Arrival:
    """A message that came into the thread while the reply was being written."""

    message_id: str
    author: Author
    at: datetime | None


@dataclass(frozen=True)
class CollisionCheck:
    """The guard's answer for one send: what arrived (nothing: send), or why it could not look."""

    arrivals: tuple[Arrival, ...] = ()
    base: DraftBase | None = None
    """The thread as the check saw it: the draft's base from now on, once the user has been shown."""
    unchecked: str = ""
    """Why the thread could not be read again (offline…): the reply goes as it would without the guard."""

    @property
    def held(self) -> bool:
        return bool(self.arrivals)

    def sentence(self, *, now: float | None, send_key: str = "Ctrl+S", keep_key: str = "Esc") -> str:
        """One sentence: who wrote, how long ago, and what the keys do now."""
        if not self.arrivals:
            return ""
        # A teammate's (or a robot's) answer is the one that matters most; else the newest arrival.
        lead = next((a for a in reversed(self.arrivals) if a.author.someone_else), self.arrivals[-1])
        ago = _ago(lead.at, now)
        if lead.author.kind is AuthorKind.CUSTOMER:
            what = f"The customer wrote again {ago}"
        elif lead.author.kind is AuthorKind.CAMPAIGN:
            what = f"A campaign text went out {ago}"
        elif lead.author.kind is AuthorKind.ELSEWHERE:
            what = f"A reply was sent from elsewhere {ago}"
        else:
            what = f"{lead.author.subject} replied {ago}"
        others = len(self.arrivals) - 1
        more = f" (and {others} more new message{'s' if others != 1 else ''})" if others else ""
        return f"{what} while you were writing{more}: {send_key} sends yours anyway, {keep_key} keeps editing."


def _ago(at: datetime | None, now: float | None) -> str:
    if at is None or now is None:
        return "just now"
    seconds = now - at.timestamp()
    if seconds < 5:  # also a server clock a little behind its own timestamps
        return "just now"
    if seconds < 90:
        return f"{int(seconds)} s ago"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min ago"
    return f"{round(seconds / 3600)} h ago"


def check_arrivals(
    base: DraftBase | None, page: Iterable[Message], *, ours: Ours, author: Callable[[Message], Author]
) -> CollisionCheck:
    """What in `page` (the thread's newest messages, read again just now) arrived after `base`
    and is not ours, oldest first. No base (no draft was started here): nothing is held."""
    messages = [m for m in page if m.id]
    newest = DraftBase.of(messages)
    if base is None:
        return CollisionCheck(base=newest)
    arrived = sorted(
        (m for m in messages if base.is_newer(m) and not ours(m)),
        key=lambda m: (_iso(m.created_at), m.id or ""),
    )
    arrivals = tuple(Arrival(m.id or "", author(m), m.created_at) for m in arrived)
    merged = DraftBase(max(newest.at, base.at), newest.ids if newest.at >= base.at else base.ids)
    return CollisionCheck(arrivals=arrivals, base=merged)
