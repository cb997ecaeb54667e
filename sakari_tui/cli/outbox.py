"""`sakari-tui outbox run [--once]` and `outbox list`: scheduled replies without the app, for cron
or a systemd timer.

The same settings, store and outbox as the app, so the same guards (sync/scheduled.py). It
takes the store's lock like the app: while the app runs it owns the outbox and sends what is
due itself, so `outbox run` says so and exits (code 3) instead of racing it for a row.
"""

from __future__ import annotations

import sys

from ..paths import config_path
from .exits import API_ERROR, OFFLINE, OK, REFUSED, UNKNOWN, USAGE
from .output import fail, logger

# The codes every scripting command shares (cli/exits.py).
EXIT_OK = OK
EXIT_SETTINGS = USAGE
EXIT_STORE = USAGE
EXIT_APP_RUNNING = REFUSED
EXIT_REFUSED = REFUSED
EXIT_API = API_ERROR
EXIT_UNKNOWN = UNKNOWN
EXIT_OFFLINE = OFFLINE

EXIT_CODES_HELP = (
    "exit codes: 0 nothing failed (what was due went, or nothing was due); 2 the settings are missing or "
    "wrong, or the local store cannot be opened; 3 refused: a guard stopped a reply (opted out…), or "
    "sakari-tui is running on this account and sends its scheduled replies itself; 4 Sakari refused a reply; "
    "5 a reply is of unknown fate (check before resending); 6 a reply waits: Sakari could not be reached"
)
DEFAULT_EVERY_S = 30.0
DEMO_REFUSED = (
    "outbox run works on an account's store; the demo's simulator lives inside the demo, "
    "which sends its scheduled replies itself while it runs."
)


LIST_FIELDS = ("localId", "state", "conversationId", "to", "text", "sendAt", "attempts", "error", "attachment")


class RoundOutcome:
    """What one round did, from the engine's events."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.failed: list[str] = []
        self.cancelled: list[str] = []


def add_outbox_parser(commands) -> None:
    """The `outbox` subcommand and its own subcommands (`run`, `list`)."""
    outbox = commands.add_parser(
        "outbox",
        help="send scheduled replies without the app (for cron or a systemd timer)",
        description="Scheduled replies go out while sakari-tui runs, or through this command.",
    )
    outbox_commands = outbox.add_subparsers(dest="outbox_command", metavar="SUBCOMMAND", required=True)
    run = outbox_commands.add_parser(
        "run",
        help="send the replies whose time has come, through the same outbox and guards as the app",
        description=(
            "Send the scheduled replies whose time has come (and any reply the app left waiting), "
            "with the same checks as the app: an opt-out refuses it, the customer or a colleague "
            "writing first puts it back into the draft, quiet hours make it wait. Without --once it "
            "keeps checking until Ctrl+C."
        ),
        epilog=EXIT_CODES_HELP,
    )
    run.add_argument("--once", action="store_true", help="one round, then exit (for cron or a timer)")
    run.add_argument(
        "--every",
        type=float,
        default=DEFAULT_EVERY_S,
        metavar="SECONDS",
        help=f"without --once, how often to check (default {DEFAULT_EVERY_S:g})",
    )
    listing = outbox_commands.add_parser(
        "list",
        help="print the replies waiting in the outbox (pending, scheduled, unknown, failed), with their ids",
        epilog=f"JSON fields: {', '.join(LIST_FIELDS)}. {EXIT_CODES_HELP}",
    )
    from .jsonout import add_json_option

    add_json_option(listing, LIST_FIELDS)


def run_outbox(
    command: str, *, once: bool = True, every: float = DEFAULT_EVERY_S, demo: bool = False, json: str | None = None
) -> int:
    """`outbox run` (one round with `once`, else every `every` seconds) or `outbox list`; the exit code."""
    # Here, not at the top: the parser imports this module, and `sakari-tui unread` must start fast.
    import asyncio

    if demo:
        return fail(DEMO_REFUSED)
    from ..config import ConfigError, load_settings, permission_problem
    from ..store import Store, StoreError, StoreLocked
    from .inbox import account_store_path

    path = config_path()
    problem = permission_problem(path)
    try:
        settings = load_settings(path, run_secret_command=not problem)
    except ConfigError as exc:
        return fail(exc.headline)
    if settings.sakari.missing_credentials:
        return fail(f"No account is set up yet in {path}; run 'sakari-tui config init'.")
    store_path = account_store_path(settings.sakari.account_id or "")
    if not store_path.is_file():
        return fail(f"No local inbox yet for account {settings.sakari.account_id} ({store_path}); run sakari-tui once.")
    try:
        store = Store(store_path, exclusive=True, role="command" if once else "outbox-run")
    except StoreLocked:
        print(
            "sakari-tui: sakari-tui is running on this account and sends its scheduled replies itself; nothing done.",
            file=sys.stderr,
        )
        return EXIT_APP_RUNNING
    except StoreError as exc:
        print(f"sakari-tui: {exc}", file=sys.stderr)
        return EXIT_STORE
    try:
        if command == "list":
            return _list(store, json)
        return asyncio.run(_run(settings, store, once=once, every=max(1.0, every)))
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        store.close()


def _list(store, json_option: str | None = None) -> int:
    from datetime import datetime, timezone

    from ..store import SendState
    from .exits import CommandError
    from .jsonout import chosen_fields, pick, print_error, print_json

    try:
        fields = chosen_fields(json_option, LIST_FIELDS)
    except CommandError as error:
        print_error(error, as_json=True)
        return error.code
    if fields is not None:
        items = [
            {
                "localId": entry.local_id,
                "state": entry.state.value,
                "conversationId": entry.conversation_id,
                "to": (entry.target or {}).get("number") or (entry.context or {}).get("mobile"),
                "text": entry.text,
                "sendAt": datetime.fromtimestamp(entry.send_at, timezone.utc).isoformat() if entry.send_at else None,
                "attempts": entry.attempts,
                "error": entry.error,
                "attachment": entry.media_name,
            }
            for entry in store.outbox.all()
        ]
        print_json([pick(item, fields) for item in items])
        return EXIT_OK
    for entry in store.outbox.all():
        when = ""
        if entry.state is SendState.SCHEDULED and entry.send_at is not None:
            when = " at " + datetime.fromtimestamp(entry.send_at).astimezone().strftime("%a %d %b %H:%M")
        preview = " ".join(entry.text.split())[:60]
        print(f"{entry.local_id}\t{entry.state.value}{when}\t{entry.conversation_id}\t{preview}")
    return EXIT_OK


async def _run(settings, store, *, once: bool, every: float) -> int:
    import asyncio

    from ..sync import InboxEngine

    engine = InboxEngine(settings.sakari.make_client(), store)
    try:
        engine.resume_outbox()
        while True:
            code = await _round(engine)
            if once:
                return code
            await asyncio.sleep(every)
    finally:
        await engine.client.aclose()


async def _round(engine) -> int:
    """Bring the due rows' threads up to date, then release and send; one sentence if any did not go."""
    import time

    from ..api import SakariError
    from ..store import SendState, StoreError
    from ..sync.events import SendStateChanged

    outcome = RoundOutcome()

    def record(event) -> None:
        if not isinstance(event, SendStateChanged):
            return
        if event.state is SendState.SENT:
            outcome.sent.append(event.local_id)
        elif event.state is SendState.FAILED:
            outcome.failed.append((event.local_id, event.error or "refused"))
        elif event.state is SendState.CANCELLED:
            outcome.cancelled.append(event.error or "back in the draft")

    stop = engine.add_listener(record)
    try:
        now = time.time()
        for entry in engine.scheduled():
            if entry.send_at is not None and entry.send_at <= now:
                try:
                    await engine.sync_thread(entry.conversation_id)  # the customer may have written meanwhile
                except SakariError:
                    pass  # the guard's own read at release decides
        await engine.retry_due()
    except SakariError as error:
        from .exits import from_api_error

        failure = from_api_error(error)
        print(f"sakari-tui: {failure}", file=sys.stderr)
        return failure.code
    except StoreError as error:
        print(f"sakari-tui: {error}", file=sys.stderr)
        return EXIT_STORE
    finally:
        stop()
    waiting = [e for e in engine.store.outbox.all() if e.state is not SendState.SCHEDULED]
    if outcome.sent:
        count = len(outcome.sent)
        print(f"Sent {count} {'reply' if count == 1 else 'replies'}.")
    for reason in outcome.cancelled:
        print(f"Not sent: {reason}")
    logger().info(
        "outbox run: %d sent, %d failed, %d back to draft",
        len(outcome.sent),
        len(outcome.failed),
        len(outcome.cancelled),
    )
    if outcome.failed:
        local_id, reason = outcome.failed[0]
        print(f"sakari-tui: not sent: {reason}", file=sys.stderr)
        # Refused by Sakari (its error is kept), or by a guard at the reply's time (opt-out…).
        return EXIT_API if local_id in engine.delivery.refusals else EXIT_REFUSED
    stuck = [e for e in waiting if e.state in (SendState.UNKNOWN, SendState.QUEUED, SendState.SENDING)]
    if stuck:
        reason = stuck[0].error or "it is waiting to be sent or checked"
        print(
            f"sakari-tui: {len(stuck)} {'reply' if len(stuck) == 1 else 'replies'} not sent yet: {reason}",
            file=sys.stderr,
        )
        unknown = any(e.state in (SendState.UNKNOWN, SendState.SENDING) for e in stuck)
        return EXIT_UNKNOWN if unknown else EXIT_OFFLINE
    return EXIT_OK
