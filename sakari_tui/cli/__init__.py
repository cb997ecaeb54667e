"""The `sakari-tui` command: the inbox, `--demo`, and the `simulator`, `config`, `unread` and `outbox` subcommands.

One module per subcommand (`inbox`, `setup`, `unread`, `outbox`), each imported only when its command runs,
and heavy modules (settings models, the API client, the app) only where they are used:
`sakari-tui unread` runs in a status bar every few seconds and must start in milliseconds.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from typing import Any

from .. import __version__
from ..paths import log_file
from .output import logger, warn


def port_number(text: str) -> int:
    """argparse type for a TCP port: 0 to 65535 (0 lets the system pick a free one)."""
    port = int(text) if text.isdigit() else -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number; use 0 to 65535 (0 picks a free one)")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = _options_parser()
    _add_commands(parser)
    return parser


def _options_parser(**options: Any) -> argparse.ArgumentParser:
    """The options of `sakari-tui` itself (the inbox), without its commands."""
    parser = argparse.ArgumentParser(
        **options,
        prog="sakari-tui",
        description="A terminal inbox for the Sakari SMS platform.",
        epilog="Run 'sakari-tui --demo' to try it against a built-in simulator, with no account and no network.",
    )
    parser.add_argument("--version", action="version", version=f"sakari-tui {__version__}")
    parser.add_argument("--demo", action="store_true", help="run against the built-in Sakari simulator")
    parser.add_argument("--seed", type=int, default=1, help="demo data seed (with --demo; default 1)")
    parser.add_argument("--debug", action="store_true", help="write detailed records to the log file")
    parser.add_argument(
        "--strict-perms",
        action="store_true",
        help="refuse to start if other users can read the client secret in the settings file, "
        "or change the file or its folder",
    )
    parser.add_argument(
        "--reset-damaged-store",
        action="store_true",
        help="if the local store is damaged, move it aside and start a fresh one (keeping unsent replies), without asking",
    )
    return parser


def _add_commands(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    simulator = commands.add_parser(
        "simulator",
        help="serve the Sakari API simulator (a local sandbox)",
        description="Serve the Sakari API simulator on a loopback address until Ctrl+C.",
    )
    simulator.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    simulator.add_argument("--port", type=port_number, default=8765, help="port (default 8765; 0 picks a free one)")
    simulator.add_argument("--seed", type=int, default=1, help="demo data seed (default 1)")
    simulator.add_argument("--no-customers", action="store_true", help="no simulated customer replies")

    config = commands.add_parser("config", help="create or locate the settings file")
    config_commands = config.add_subparsers(dest="config_command", metavar="SUBCOMMAND", required=True)
    config_commands.add_parser("path", help="print where the settings file is")
    init = config_commands.add_parser(
        "init",
        help="ask for the credentials, check them, and write the settings file",
        description=(
            "Ask for the account id, client id and client secret, check them against the server, and save "
            "them (with the URLs given here or in SAKARI_API_URL / SAKARI_TOKEN_URL) in the settings file, "
            "keeping its other settings."
        ),
    )
    init.add_argument("--api-url", metavar="URL", help="the API's base URL, without /v1 (default Sakari's)")
    init.add_argument(
        "--token-url", metavar="URL", help="the OAuth2 token endpoint (default: the API URL + /oauth2/token)"
    )

    unread = commands.add_parser(
        "unread",
        help="print how many conversations are unread (for a status bar or prompt)",
        description=(
            "Print the number of open, unmuted conversations with unread texts, from the local inbox "
            "(as of the app's last sync; no network). Exits 2 when there is no local inbox to read (the exit codes of every command)."
        ),
    )
    unread.add_argument(
        "--format",
        dest="template",
        default="{unread}",
        metavar="TEMPLATE",
        help=(
            "what to print, with {unread}, {total} (open conversations) and {waiting} (the longest wait for "
            "a reply, e.g. '47m'; empty when nobody waits), e.g. '✉ {unread}'; default '{unread}'"
        ),
    )
    unread.add_argument(
        "--view",
        default="all",
        metavar="VIEW",
        help="needs-reply: {unread} counts the open, unmuted, not snoozed conversations waiting for a reply; default all",
    )
    from .outbox import add_outbox_parser

    add_outbox_parser(commands)
    from .conversations import add_conversations_parser
    from .send import add_send_parser
    from .templates import add_templates_parser
    from .thread import add_thread_parser

    add_send_parser(commands)
    add_conversations_parser(commands)
    add_thread_parser(commands)
    add_templates_parser(commands)
    from .contacts import add_contacts_parser

    add_contacts_parser(commands)
    from .store_compact import add_store_parser

    add_store_parser(commands)
    from .completion import add_completion_parser

    add_completion_parser(commands)
    return parser


def _start_logging(debug: bool, warnings: list[str]) -> None:
    from ..logs import setup_logging, silence_logging

    try:
        path = setup_logging(debug=debug)
    except OSError as exc:
        silence_logging()
        warn(f"cannot write the log file {log_file()} ({exc.strerror or exc}); continuing without it.", warnings)
        return
    logger().info("sakari-tui %s starting (log level %s)", __version__, "DEBUG" if debug else "INFO")
    if debug:
        print(f"sakari-tui: debug log in {path}", file=sys.stderr)


def _stopped(exc: Exception) -> int:
    """Log an unexpected error with its traceback and tell the user in one sentence (without its text)."""
    from ..logs import crash_summary, logging_to_file, setup_logging, silence_logging

    if not logging_to_file():
        try:
            setup_logging()
        except OSError:
            silence_logging()  # else Python's last-resort handler would print the traceback
    logger().error("sakari-tui stopped unexpectedly", exc_info=exc)
    print(crash_summary(exc), file=sys.stderr)
    return 1


SCRIPTING = {
    "send": ("send", "run_send"),
    "conversations": ("conversations", "run_conversations"),
    "thread": ("thread", "run_thread"),
    "templates": ("templates", "run_templates"),
    "contacts": ("contacts", "run_contacts"),
    "store": ("store_compact", "run_store"),
}
"""Commands for scripts: their errors are `CommandError`s with the shared exit codes (cli/exits.py)."""


def _scripting(args: argparse.Namespace) -> int:
    import importlib

    from .exits import CommandError
    from .jsonout import print_error

    module, function = SCRIPTING[args.command]
    run = getattr(importlib.import_module(f".{module}", __name__), function)
    _start_logging(args.debug, [])
    try:
        return run(args)
    except CommandError as error:
        logger().info("%s: %s (exit %d)", args.command, error, error.code)
        print_error(error, as_json=getattr(args, "json", None) is not None)
        return error.code


def _dispatch(args: argparse.Namespace) -> int:
    if args.command is not None:
        gc.enable()
    if args.command == "completion":
        from .completion import completion_script

        sys.stdout.write(completion_script(args.shell, build_parser()))
        return 0
    if args.command in SCRIPTING:
        return _scripting(args)
    if args.command == "simulator":
        from .setup import run_simulator

        return run_simulator(args)
    if args.command == "unread":
        from .unread import run_unread

        return run_unread(args.template, demo=args.demo, view=args.view)
    if args.command == "outbox":
        from .outbox import run_outbox

        _start_logging(args.debug, [])  # a timer's runs leave a record in the log file
        return run_outbox(
            args.outbox_command,
            once=getattr(args, "once", True),
            every=getattr(args, "every", 30.0),
            demo=args.demo,
            json=getattr(args, "json", None),
        )
    if args.command == "config":
        from .setup import run_config_init, run_config_path

        if args.config_command != "init":
            return run_config_path()
        # Only the URLs given: `run_config_init()` with none is the plain question-and-answer.
        given = {key: value for key in ("api_url", "token_url") if (value := getattr(args, key))}
        return run_config_init(**given)
    from .inbox import run_demo, run_inbox

    warnings: list[str] = []
    _start_logging(args.debug, warnings)
    if args.demo:
        return run_demo(args.seed, warnings)
    return run_inbox(strict_perms=args.strict_perms, warnings=warnings, reset_damaged_store=args.reset_damaged_store)


def main(argv: Sequence[str] | None = None) -> int:
    # The garbage collector rests while the app's modules load: they allocate only objects that
    # live as long as the process, and its full collections among them cost a tenth of the time
    # to the first frame. The app turns it back on after that frame (SakariApp._after_first_frame),
    # every other command before it runs (_dispatch).
    gc.disable()
    words = sys.argv[1:] if argv is None else list(argv)
    inbox = _inbox_arguments(words)
    if inbox is not None:
        return _run(inbox)
    parser = build_parser()
    args, extra = parser.parse_known_args(words)
    if extra:
        # argparse stops taking positionals at the first option: `send --to +1 415 555 0100
        # --no-wait Hi` leaves "Hi" over. Words (not options) left over are the text's.
        if args.command == "send" and not any(word.startswith("-") and word != "-" for word in extra):
            args.words += extra
        else:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return _run(args)


def _inbox_arguments(words: list[str]) -> argparse.Namespace | None:
    """`words` read as the inbox's own options (`sakari-tui`, `sakari-tui --demo --seed 3`), or None
    when they name a command, ask for help or do not read so: then the whole parser reads them.

    Building every command's parser costs about a tenth of the time to the first frame, for a
    start that uses none of them.
    """
    if any(word in ("-h", "--help") or not word.startswith("-") and not word.lstrip("-").isdigit() for word in words):
        return None
    try:
        args, extra = _options_parser(exit_on_error=False).parse_known_args(words)
    except argparse.ArgumentError:
        return None
    if extra:
        return None
    args.command = None
    return args


def _run(args: argparse.Namespace) -> int:
    try:
        return _dispatch(args)
    except Exception as exc:  # SystemExit and KeyboardInterrupt are not Exceptions: they pass through
        return _stopped(exc)
