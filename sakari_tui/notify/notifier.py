"""Getting attention for a new customer text: terminal notifications, desktop notifications, the hook.

Everything about the message is untrusted. What goes to the terminal (OSC 9 / OSC 777) or to a
desktop notifier passes through the one sanitiser first; the `on_message` hook gets the text in
environment variables (sanitised too, unless `hook_text = "raw"`), never through a shell. Every
process runs as an asyncio subprocess, so the app's event loop never waits, and every failure
comes back as one sentence instead of an exception.

No Textual here: the app writes `terminal_sequence_for()` to the terminal itself and awaits `notify()`.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ..subprocesses import child_environment
from ..text import one_line, sanitize

if TYPE_CHECKING:
    from ..config import NotificationsSection

# Terminals and notification daemons show a line or two; a whole long SMS would only be cut there.
TITLE_LIMIT = 80
BODY_LIMIT = 200
HIDDEN_TEXT = "New message"
# notify-send and osascript return at once; one that hangs must not pile up processes.
DESKTOP_TIMEOUT_S = 5.0
APP_NAME = "sakari-tui"


@dataclass(frozen=True)
class NewMessage:
    """One new inbound text, as the notifier needs it (all fields untrusted)."""

    contact_name: str
    number: str
    conversation_id: str
    text: str


@dataclass(frozen=True)
class OverdueEvent:
    """A customer who has waited past the alert threshold (names untrusted)."""

    contact_name: str
    number: str
    conversation_id: str
    waiting: str
    """How long so far, as people write it: "47m", "2h 5m"."""


class Runner(Protocol):
    def __call__(
        self, argv: Sequence[str], *, env: Mapping[str, str] | None, timeout: float, what: str
    ) -> Awaitable[str | None]: ...


def scrub(text: str | None, limit: int) -> str:
    """Untrusted text fit for an OSC string or a notifier argument: one line, no controls, no `;`.

    `one_line` drops C0/C1 controls (ESC, BEL, ST 0x9c, CSI 0x9b…), turns line breaks into spaces
    and bidi overrides into a placeholder. The `;` goes too: it separates OSC 777's fields, and in
    OSC 9 text like `4;1;50` is a ConEmu/Windows Terminal sub-command (progress bar), not a message.
    """
    return one_line((text or "").replace(";", ","), limit)


def _hook_value(value: str) -> str:
    # An environment value cannot hold NUL, and a lone surrogate cannot be encoded for exec.
    return value.replace("\0", "").encode("utf-8", "replace").decode("utf-8")


async def run_command(argv: Sequence[str], *, env: Mapping[str, str] | None, timeout: float, what: str) -> str | None:
    """Run `argv` without a shell and wait at most `timeout` seconds; None, or one sentence on failure.

    The process gets no stdin and its output is discarded: it must never read the keyboard or
    draw over the app. It runs in its own session, away from the terminal, and on timeout the
    whole session is killed (a shell script's children too). With `env` None it gets ours
    without the credentials (`child_environment()`), never ours as it is.
    """
    program = argv[0]
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            env=child_environment() if env is None else dict(env),
            start_new_session=True,
        )
    except FileNotFoundError:
        return f"{what}: the program {program!r} was not found; check the command."
    except PermissionError:
        return f"{what}: the program {program!r} cannot be run (permission denied); make it executable."
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return f"{what}: the program {program!r} cannot be run ({reason})."
    try:
        code = await asyncio.wait_for(process.wait(), timeout)
    except TimeoutError:
        await _kill(process)
        limit = f"{timeout:g} second" + ("" if timeout == 1 else "s")
        return f"{what}: the command did not finish within {limit} and was stopped."
    except asyncio.CancelledError:
        await _kill(process)
        raise
    if code < 0:
        return f"{what}: the command was stopped by signal {-code}."
    if code != 0:
        return f"{what}: the command failed (exit status {code})."
    return None


async def _kill(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)  # its own session: the group id is its pid
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass
    await process.wait()


class Notifier:
    """Desktop notification, terminal notification sequence and `on_message` hook for new texts.

    Build it once from `[notifications]`; read `startup_problems` once and show them; call
    `notify(event)` for each new, unmuted inbound text and show the sentences it returns.
    """

    def __init__(
        self,
        settings: NotificationsSection,
        *,
        which: Callable[[str], str | None] = shutil.which,
        run: Runner = run_command,
        env: Mapping[str, str] | None = None,
        platform: str = sys.platform,
    ) -> None:
        self.settings = settings
        self._run = run
        self._env = os.environ if env is None else env
        self._macos = platform == "darwin"
        self.desktop_program: str | None = which("osascript" if self._macos else "notify-send")
        self.startup_problems: list[str] = []
        """Sentences to show once when the app starts (a setting that cannot work as written)."""
        if settings.desktop and not self.desktop_program:
            wanted = "osascript" if self._macos else "notify-send (from libnotify)"
            self.startup_problems.append(
                f"Desktop notifications are on but no notifier was found; install {wanted} "
                "or set notifications.desktop = false."
            )
        self.hook_argv = self._command("on_message", settings.on_message)
        self.overdue_argv = self._command("on_overdue", settings.on_overdue)

    def _command(self, key: str, command: str) -> list[str]:
        """A hook's command line as argv ([] when unset, or unusable: then said once at start)."""
        if not command.strip():
            return []
        try:
            return shlex.split(command)
        except ValueError as exc:
            self.startup_problems.append(f"notifications.{key} is not a valid command line ({exc}); it will not run.")
            return []

    @property
    def desktop_available(self) -> bool:
        """A desktop notifier program was found (whether or not desktop notifications are on)."""
        return self.desktop_program is not None

    # --- what a notification says -----------------------------------------------------------

    def title_for(self, event: NewMessage) -> str:
        return scrub(event.contact_name, TITLE_LIMIT) or scrub(event.number, TITLE_LIMIT) or "Unknown sender"

    def body_for(self, event: NewMessage) -> str:
        if not self.settings.show_text:
            return HIDDEN_TEXT
        return scrub(event.text, BODY_LIMIT) or HIDDEN_TEXT

    # --- the terminal -----------------------------------------------------------------------

    def terminal_sequence(self, title: str, body: str) -> str:
        """The OSC 9 or OSC 777 notification for untrusted `title` and `body`, or "" when off.

        Write it to the terminal as it is (inside tmux it needs tmux's `allow-passthrough`).
        """
        title, body = scrub(title, TITLE_LIMIT), scrub(body, BODY_LIMIT)
        if self.settings.terminal == "osc9":
            text = f"{title}: {body}" if title and body else title or body
            return f"\x1b]9;{scrub(text, BODY_LIMIT)}\x07"
        if self.settings.terminal == "osc777":
            return f"\x1b]777;notify;{title};{body}\x07"
        return ""

    def terminal_sequence_for(self, event: NewMessage) -> str:
        """`terminal_sequence` for a new text, honouring show_text."""
        return self.terminal_sequence(self.title_for(event), self.body_for(event))

    # --- desktop and hook -------------------------------------------------------------------

    def desktop_argv(self, event: NewMessage) -> list[str] | None:
        """The notifier command for this text, or None when desktop notifications are off or impossible."""
        return self.desktop_argv_for(self.title_for(event), self.body_for(event))

    def desktop_argv_for(self, title: str, body: str) -> list[str] | None:
        """The notifier command for a title and body (scrubbed here), or None when off or impossible."""
        if not (self.settings.desktop and self.desktop_program):
            return None
        title, body = scrub(title, TITLE_LIMIT), scrub(body, BODY_LIMIT)
        if self._macos:
            # The text travels as arguments of the script, never inside its source. The first
            # argument is a constant so that osascript's option parser (BSD getopt stops at the
            # first operand) cannot take a name beginning with "-" for an option.
            return [
                self.desktop_program,
                "-e",
                "on run argv",
                "-e",
                "display notification (item 3 of argv) with title (item 2 of argv)",
                "-e",
                "end run",
                APP_NAME,
                title,
                body,
            ]
        # Most notification daemons read the body as Pango/HTML markup (links, images): escape it.
        # "--" ends the options, so a name beginning with "-" is not taken for one.
        import html  # with its table of entities: loaded at the first notification, not at start

        return [self.desktop_program, f"--app-name={APP_NAME}", "--", title, html.escape(body, quote=False)]

    async def notify_desktop(self, title: str, body: str) -> list[str]:
        """One desktop notification that is not about a single text (e.g. a burst's summary)."""
        argv = self.desktop_argv_for(title, body)
        if not argv:
            return []
        problem = await self._run(
            argv,
            env=child_environment(base=self._env),
            timeout=DESKTOP_TIMEOUT_S,
            what=f"The desktop notifier {os.path.basename(argv[0])}",
        )
        return [problem] if problem else []

    def hook_env(self, event: NewMessage) -> dict[str, str]:
        """The environment of the on_message command: ours without the credentials, plus the message.

        The message's values pass through the one sanitiser unless `hook_text` is "raw" (then
        they are only made NUL-free): a script that echoes them must not hand the terminal an
        escape sequence a customer wrote. Line breaks and tabs stay either way.
        """
        value = _hook_value if self.settings.hook_text == "raw" else sanitize
        return child_environment(
            {
                "SAKARI_CONTACT_NAME": value(event.contact_name),
                "SAKARI_CONTACT_NUMBER": value(event.number),
                "SAKARI_CONVERSATION_ID": value(event.conversation_id),
                "SAKARI_MESSAGE_TEXT": value(event.text),
            },
            base=self._env,
        )

    def overdue_env(self, event: OverdueEvent) -> dict[str, str]:
        """The environment of the on_overdue command: like on_message's, with the wait instead of a text."""
        value = _hook_value if self.settings.hook_text == "raw" else sanitize
        return child_environment(
            {
                "SAKARI_CONTACT_NAME": value(event.contact_name),
                "SAKARI_CONTACT_NUMBER": value(event.number),
                "SAKARI_CONVERSATION_ID": value(event.conversation_id),
                "SAKARI_WAITING": event.waiting,
            },
            base=self._env,
        )

    async def page_overdue(self, event: OverdueEvent) -> list[str]:
        """Run on_overdue for one wait past the alert threshold; the problem, as a sentence."""
        if not self.overdue_argv:
            return []
        problem = await self._run(
            self.overdue_argv,
            env=self.overdue_env(event),
            timeout=self.settings.on_message_timeout,
            what="notifications.on_overdue",
        )
        return [problem] if problem else []

    async def notify(self, event: NewMessage, *, desktop: bool = True) -> list[str]:
        """Send the desktop notification (unless `desktop` is False) and run the hook, side by
        side; the problems, as sentences.

        Never raises (except cancellation); the terminal bell and OSC sequence are the app's to write.
        """
        jobs: list[Awaitable[str | None]] = []
        desktop = self.desktop_argv(event) if desktop else None
        if desktop:
            notifier = os.path.basename(desktop[0])
            jobs.append(
                self._run(
                    desktop,
                    env=child_environment(base=self._env),
                    timeout=DESKTOP_TIMEOUT_S,
                    what=f"The desktop notifier {notifier}",
                )
            )
        if self.hook_argv:
            jobs.append(
                self._run(
                    self.hook_argv,
                    env=self.hook_env(event),
                    timeout=self.settings.on_message_timeout,
                    what="notifications.on_message",
                )
            )
        if not jobs:
            return []
        results = await asyncio.gather(*jobs, return_exceptions=True)
        problems: list[str] = []
        for result in results:
            if isinstance(result, asyncio.CancelledError):
                raise result
            if isinstance(result, BaseException):
                problems.append(f"A notification failed ({type(result).__name__}: {one_line(str(result), 120)}).")
            elif result:
                problems.append(result)
        return problems
