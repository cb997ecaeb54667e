"""A one-line bar under the thread while an attachment is fetched or saved: what, how far, of
how much. Hidden when nothing is moving; the state it shows is its `transfer` reactive."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

from ...sms.mms import kilobytes


@dataclass(frozen=True)
class Transfer:
    label: str
    """What moves, e.g. "Saving damaged-box.png"."""
    done: int = 0
    total: int | None = None


class TransferBar(Horizontal):
    DEFAULT_CSS = """
    TransferBar { height: 1; display: none; padding: 0 1; background: $panel; }
    TransferBar.-active { display: block; }
    TransferBar #transfer-label { width: 1fr; height: 1; }
    TransferBar ProgressBar { width: auto; height: 1; }
    TransferBar #transfer-amount { width: auto; height: 1; padding-left: 1; color: $text-muted; }
    """

    transfer: reactive[Transfer | None] = reactive(None, init=False)

    def compose(self) -> ComposeResult:
        # Nothing until the first transfer: a progress bar is several widgets and a timer, and the
        # thread's first frame has no use for them.
        return iter(())

    async def watch_transfer(self, transfer: Transfer | None) -> None:
        from textual.widgets import ProgressBar  # its module loads at the first transfer, not before the first frame

        self.set_class(transfer is not None, "-active")
        if transfer is None:
            return
        if not self.children:
            await self.mount_all(
                [
                    Static("", id="transfer-label", markup=False),
                    ProgressBar(show_eta=False, show_percentage=True, id="transfer-progress"),
                    Static("", id="transfer-amount", markup=False),
                ]
            )
        self.query_one("#transfer-label", Static).update(transfer.label)
        self.query_one("#transfer-progress", ProgressBar).update(total=transfer.total, progress=transfer.done)
        amount = kilobytes(transfer.done) + (f" of {kilobytes(transfer.total)}" if transfer.total else "")
        self.query_one("#transfer-amount", Static).update(amount)
