"""How failures reach the user: one plain sentence on screen, the details in the log.

A part of `SakariApp` (a mixin, so that ui/app.py stays the wiring): the crash path that
replaces Textual's traceback report, the one handler of every worker's failure, and the
damaged-store stop.
"""

from __future__ import annotations

import logging
import sys

from rich.text import Text
from textual.worker import Worker, WorkerState

from ..api import SakariError
from ..logs import crash_summary, where_details
from ..store import StoreDamaged, StoreError
from ..text import one_line

log = logging.getLogger("sakari_tui.ui.app")


class FailureHandling:
    fatal_error: BaseException | None = None
    """What stopped the app, for the CLI (it offers to move a damaged store aside)."""

    def _fatal_error(self) -> None:
        # Private, checked against Textual 8.2.8 (as are _exception, _exit_renderables and
        # _close_messages_no_wait). Textual's own crash report prints a traceback with local
        # variables, which could hold the client secret or a token. Log it (the log redacts
        # secrets) and show one sentence instead.
        error = sys.exc_info()[1] or self._exception
        log.error("the app stopped on an unhandled error", exc_info=error)
        self.bell()
        self.fatal_error = error  # the CLI offers to move a damaged store aside after the app is gone
        # Never the error's own text (a sqlite or pydantic error can quote a stored contact).
        self._exit_renderables.append(Text(crash_summary(error)))
        self._close_messages_no_wait()

    def stop_damaged(self, error: StoreDamaged) -> None:
        """A damaged store only gets worse with use: stop, and let the CLI offer a fresh one."""
        if self.fatal_error is None:
            log.error("%s", error)
            self.fatal_error = error
            self.exit(return_code=1)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.worker_changed(event.worker)

    def worker_changed(self, worker: Worker) -> None:
        """The one owner of worker failures, the app's and every screen's and widget's (they pass
        theirs here: `Worker.StateChanged` does not bubble). A worker that raises says so in one
        sentence; without this, Textual writes it only to its devtools log."""
        if worker.state is not WorkerState.ERROR:
            return
        error = worker.error
        if isinstance(error, StoreError):
            self.inbox.store_failed(error)
        elif isinstance(error, SakariError):
            self.report_error(error)
        else:
            log.error("the %r worker failed", worker.group, exc_info=error)
            self.notify(f"Something went wrong; {where_details()}.", severity="error")

    def report_error(self, error: Exception, *, quiet: bool = False) -> None:
        """One plain sentence on screen; the poller's status line already covers connectivity."""
        if quiet and isinstance(error, SakariError) and error.status in (None, 429) and not error.code:
            return
        self.notify(one_line(str(error), 300), severity="error")


class PassesWorkerFailures:
    """For screens and widgets with workers: `Worker.StateChanged` does not bubble, so each node
    hands its workers' changes to the app's one failure handler (`FailureHandling.worker_changed`).
    In a host without that handler (a widget test's app) there is nothing to hand them to."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        handler = getattr(self.app, "worker_changed", None)  # type: ignore[attr-defined]
        if handler is not None:
            handler(event.worker)
