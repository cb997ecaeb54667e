"""The thread pane's side of a shared inbox: saying that a teammate is answering the open
conversation, and showing a reply the collision guard held (what arrived, and one sentence).

A mixin of `ThreadPane` (it uses the pane's engine, thread log and compose box). The decision to
hold is `sms.collision`'s; the re-read is the engine's; this only shows.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from ...sms.authors import Author, AuthorKind

if TYPE_CHECKING:
    from ...api import Message
    from ...sms.collision import CollisionCheck, DraftBase
    from .thread_pane import ThreadPane

    _Base = ThreadPane
else:
    _Base = object

# How long the header says a teammate is answering after their text came in while the thread was open.
ANSWERING_FOR_S = 300.0
ANSWERING = (AuthorKind.PERSON, AuthorKind.TEAMMATE)


class TeamAwareness(_Base):
    draft_base: DraftBase | None
    held: CollisionCheck | None
    _seen_newest: datetime | None
    _answering: tuple[str, float] | None

    def _note_answering(self, messages: list[Message], authors: dict[str, Author]) -> None:
        """A teammate's text that comes in while the thread is open: the header says they are
        answering, at once (on opening, a teammate's text of the last few minutes does too)."""
        dated = [m for m in messages if m.created_at is not None]
        newest = max((m.created_at for m in dated), default=None)  # type: ignore[type-var]
        if self._seen_newest is None:  # just opened: a teammate's text is the newest, of the last minutes
            now = self.engine.client.server_time() or time.time()
            fresh = [m for m in dated[-1:] if now - m.created_at.timestamp() < ANSWERING_FOR_S]  # type: ignore[union-attr]
        else:  # newer than anything shown before (older pages coming in are not news)
            fresh = [m for m in dated if m.created_at > self._seen_newest]  # type: ignore[operator]
        if newest is not None and (self._seen_newest is None or newest > self._seen_newest):
            self._seen_newest = newest
        for message in fresh:
            author = authors.get(message.id or "")
            if author is not None and author.kind in ANSWERING:
                self._answering = (author.subject, time.monotonic())
                self.set_timer(ANSWERING_FOR_S, self.show_header)

    @property
    def answering(self) -> str | None:
        """Who is answering this conversation (a teammate whose text came in lately), or None."""
        if self._answering is None or time.monotonic() - self._answering[1] >= ANSWERING_FOR_S:
            return None
        return self._answering[0]

    # --- the collision guard ------------------------------------------------------------------

    def hold(self, check: CollisionCheck, sentence: str) -> None:
        """The guard held the reply: mark what arrived, and say so above the box."""
        if not check.held:
            return
        self.held = check
        self.thread_log.arrived_keys = frozenset(a.message_id for a in check.arrivals)
        notice = self.query_one("#collision-notice", Static)
        notice.update(Content(sentence))
        notice.display = True
        self.thread_log.pin_to_bottom()
        self.show_thread()

    def release_hold(self) -> None:
        """The held reply was sent, or the user went on editing: the marks and the sentence go."""
        if self.held is None:
            return
        self.held = None
        self.thread_log.arrived_keys = frozenset()
        self.query_one("#collision-notice", Static).display = False
        self.thread_log.refresh_layout()

    def move_draft_base(self, base: DraftBase | None) -> None:
        """The user has been shown the thread as `base` has it: the next send compares with it."""
        if base is not None and self.compose_box.text.strip():
            self.draft_base = base
            self.save_draft_now()
