"""The account's sender numbers: those named in `[[senders]]` and those learned from the store.

Sakari has no call that lists an account's numbers or Groups (api notes §15), so the numbers are
learned from the conversations (each carries the number it is on) and the settings add what only
a person knows: a short label and the number's Group id, which a new conversation needs to start
from that number. Plain data and text: how a number is formatted on screen is the UI's business.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import SenderSetting

# Fewer digits than this would read like a PIN, not like the end of a phone number.
SHORT_DIGITS = 4


@dataclass(frozen=True)
class Sender:
    """One of the account's numbers."""

    number: str
    """E.164, as Sakari sends it."""
    label: str | None = None
    """The `[[senders]]` label (settings text: sanitise before drawing it)."""
    group_id: str | None = None
    """The Group's id from `[[senders]]`; None when only learned."""
    configured: bool = False


class SenderBook:
    """The account's senders in a stable order: configured ones in file order, then learned ones by number."""

    def __init__(self, configured: Sequence[SenderSetting] = (), learned: Iterable[str] = ()) -> None:
        self._configured = tuple(
            Sender(setting.number, setting.label, setting.group_id, configured=True) for setting in configured
        )
        self._learned: set[str] = set()
        self._senders: tuple[Sender, ...] = self._configured
        self._short: dict[str, str] = {}
        self.learn(learned)

    # --- what is known ----------------------------------------------------------------------

    def learn(self, numbers: Iterable[str]) -> bool:
        """Add numbers seen in the store; True when that added one (the list must redraw its rows)."""
        known = {sender.number for sender in self._senders}
        fresh = {number for number in numbers if number and number not in known}
        if not fresh:
            return False
        self._learned |= fresh
        self._senders = self._configured + tuple(Sender(number) for number in sorted(self._learned))
        self._short = _short_labels(self._senders)
        return True

    @property
    def senders(self) -> tuple[Sender, ...]:
        return self._senders

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(sender.number for sender in self._senders)

    def __len__(self) -> int:
        return len(self._senders)

    def __iter__(self) -> Iterator[Sender]:
        return iter(self._senders)

    @property
    def several(self) -> bool:
        """More than one sender: only then is a conversation's sender worth showing."""
        return len(self._senders) > 1

    def get(self, number: str | None) -> Sender | None:
        return next((sender for sender in self._senders if sender.number == number), None)

    def group_id(self, number: str | None) -> str | None:
        sender = self.get(number)
        return sender.group_id if sender else None

    # --- how it reads -----------------------------------------------------------------------

    def short(self, number: str | None) -> str:
        """The label, else "…" and the last digits: four, or as many as tell this account's numbers apart."""
        if not number:
            return ""
        sender = self.get(number)
        if sender is not None and sender.label:
            return sender.label
        return self._short.get(number) or _tail(number, SHORT_DIGITS)

    def parts(self, number: str) -> tuple[str | None, str]:
        """(label or None, number), for a longer form such as "Support (+1 415-555-0100)"."""
        sender = self.get(number)
        return (sender.label if sender else None), number

    # --- the sender filter ------------------------------------------------------------------

    def effective_filter(self, number: str) -> str:
        """The filter to apply: `number` while it is one of the account's, else "" (All)."""
        return number if number and self.get(number) is not None else ""

    def next_filter(self, number: str) -> str:
        """The filter after `number` in the cycle All → each number → All ("" is All)."""
        cycle = ("", *self.numbers)
        current = self.effective_filter(number)
        return cycle[(cycle.index(current) + 1) % len(cycle)]


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def _tail(number: str, count: int) -> str:
    return "…" + (_digits(number)[-count:] or number[-count:])


def _short_labels(senders: Sequence[Sender]) -> dict[str, str]:
    """The last-digits form of each unlabelled number, long enough that no two numbers read the same."""
    unlabelled = [sender.number for sender in senders if not sender.label]
    longest = max((len(_digits(number)) for number in unlabelled), default=SHORT_DIGITS)
    for count in range(SHORT_DIGITS, max(SHORT_DIGITS, longest) + 1):
        tails = {number: _tail(number, count) for number in unlabelled}
        labels = {sender.label for sender in senders if sender.label}
        if len(set(tails.values())) == len(tails) and not labels & set(tails.values()):
            return tails
    return {number: number for number in unlabelled}
