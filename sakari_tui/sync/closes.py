"""The undo window of closing a conversation, as plain data.

Sakari has no "reopen", so `x` does not close at once: the conversation waits `window_s` seconds,
during which `u` takes back the newest close still waiting. Quitting inside the window carries the
waiting closes out rather than dropping them (the user asked for them). This class only keeps the
book; the caller owns the timers and the API calls, and passes in the (monotonic) time.
"""

from __future__ import annotations

from collections.abc import Iterator


class PendingCloses:
    """Conversations closed by the user that are still inside their undo window, oldest first."""

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        # Insertion order is the order of the closes: the last one is what `undo` takes back.
        self._deadlines: dict[str, float] = {}

    def add(self, conversation_id: str, now: float) -> bool:
        """Start the window for `conversation_id`; False (and nothing changes) if it is already waiting."""
        if conversation_id in self._deadlines:
            return False
        self._deadlines[conversation_id] = now + self.window_s
        return True

    def undo(self) -> str | None:
        """Take back the newest close still waiting; None when there is none (those already sent stay)."""
        if not self._deadlines:
            return None
        conversation_id = next(reversed(self._deadlines))
        del self._deadlines[conversation_id]
        return conversation_id

    def take(self, conversation_id: str) -> bool:
        """Stop waiting for `conversation_id` because it is being closed now; False if it no longer waits
        (undone meanwhile, or already taken)."""
        return self._deadlines.pop(conversation_id, None) is not None

    def due(self, now: float) -> list[str]:
        """The closes whose window has passed, oldest first, taken out: the caller closes them now."""
        ready = [conversation_id for conversation_id, deadline in self._deadlines.items() if deadline <= now]
        for conversation_id in ready:
            del self._deadlines[conversation_id]
        return ready

    def drain(self) -> list[str]:
        """Every close still waiting, oldest first, taken out: on quit they are carried out, not dropped."""
        waiting = list(self._deadlines)
        self._deadlines.clear()
        return waiting

    def __contains__(self, conversation_id: object) -> bool:
        return conversation_id in self._deadlines

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._deadlines))

    def __len__(self) -> int:
        return len(self._deadlines)
