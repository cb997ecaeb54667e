"""Issue 10 in the real app on a pseudo-terminal (120x40): signals, a full disk, dates out of range,
a first text whose answer is lost, and secrets quoted by a server."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import sys
import threading
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sakari_tui.simulator.server import SimulatorServer
from sakari_tui.store.connection import register_functions
from sakari_tui.store.packing import conversation_json_sql

from ..support.pty import PseudoTerminal, app_env
from .test_kill9 import LIST_READY, OPENED, read_store

COLUMNS, LINES = 120, 40
SEND = "POST /v1/accounts/{accountId}/messages"
pytestmark = pytest.mark.timeout(90)


class App(PseudoTerminal):
    def __init__(self, env: dict[str, str]) -> None:
        super().__init__([sys.executable, "-m", "sakari_tui"], env, columns=COLUMNS, lines=LINES, deadline=60)


def store_of(tmp: Path, server) -> Path:
    return tmp / "data" / f"inbox-{server.account_id}.sqlite3"


def open_top(app: App) -> None:
    app.wait_for(lambda out: LIST_READY.search(out) is not None, 20, "the inbox list")
    app.wait_quiet(0.3, 5)
    mark = len(app.output)
    app.key(b"\r")
    app.wait_for(lambda out: OPENED in out, 5, "the conversation to open", since=mark)
    app.wait_quiet(0.1, 2)


def screen_text(raw: bytes) -> str:
    """What a person reads: the output without escape sequences, its cells run together."""
    text = re.sub(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]", b"", raw)
    return text.decode("utf-8", errors="replace")


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_saves_the_draft_typed_just_before_it(tmp_path, number):
    with SimulatorServer(seed=1, customers=False) as server:
        app = App(app_env(server, tmp_path, columns=COLUMNS, lines=LINES))
        try:
            open_top(app)
            typed = "typed right before the signal"
            since = len(app.output)
            for char in typed:
                app.key(char.encode())
            # The signal goes as soon as the last key is on screen, well inside the 0.4 s before a
            # draft is saved by itself. (A fixed pause instead let a loaded machine send it before
            # the keys had reached the compose box: there was no draft to save yet.)
            app.wait_for(lambda out: b"signal" in out, 10, "the typed text on screen", since=since)
            os.kill(app.pid, number)
            code = app.wait_exit(15)
        finally:
            app.close()
        assert code is not None, "the app did not stop on the signal"
        assert b"Traceback" not in app.output and b"stopped unexpectedly" not in app.output
        assert typed in read_store(store_of(tmp_path, server)).drafts.values()


def test_a_terminal_that_goes_away_ends_the_app_with_its_draft(tmp_path):
    """The terminal closes under the app (a killed tmux, a dropped SSH): it leaves with its draft
    saved, although its orderly exit cannot write to the dead terminal, instead of polling on and
    holding the store's lock."""
    import time

    with SimulatorServer(seed=1, customers=False) as server:
        app = App(app_env(server, tmp_path, columns=COLUMNS, lines=LINES))
        try:
            open_top(app)
            typed = "typed as the terminal closed"
            since = len(app.output)
            for char in typed:
                app.key(char.encode())
            # The terminal goes as soon as the last key is on screen, well inside the 0.4 s before
            # a draft is saved by itself. (Keys still in the pty when it closes never reach the
            # app: a fixed 0.05 s pause lost them on a busy machine, and there was no draft to save.)
            app.wait_for(lambda out: b"closed" in out, 10, "the typed text on screen", since=since)
            os.close(app.fd)  # the terminal goes away
            app.fd = os.open(os.devnull, os.O_RDONLY)  # so close() below has something to close
            deadline = time.monotonic() + 15
            while not app.exited() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert app.exited(), "the app lived on without its terminal"
        finally:
            app.close()
        assert typed in read_store(store_of(tmp_path, server)).drafts.values()


def test_a_store_with_years_0001_and_9999_opens_even_offline(tmp_path):
    from sakari_tui.api import Conversation
    from sakari_tui.store import Store

    with SimulatorServer(seed=1, customers=False) as server:
        env = app_env(server, tmp_path, columns=COLUMNS, lines=LINES, TZ="Asia/Tokyo")
        env["SAKARI_API_URL"] = env["SAKARI_TOKEN_URL"] = "http://127.0.0.1:9"  # nothing listens: offline
        path = store_of(tmp_path, server)
        store = Store(path)
        for cid, name in (("c-zero", "Zero Time"), ("c-end", "End Time")):
            store.inbox.merge_conversations(
                [
                    Conversation.model_validate(
                        {
                            "id": cid,
                            "contact": {"id": f"k-{cid}", "firstName": name, "mobile": {"number": "+14155550100"}},
                            "lastMessage": {
                                "id": f"m-{cid}",
                                "message": f"{name} says hi",
                                "outgoing": False,
                                "created": {"at": "2026-01-01T00:00:00Z"},
                            },
                        }
                    )
                ]
            )
        store.close()
        # What the versions before this fix wrote for such times (and then could not read back).
        db = sqlite3.connect(path)
        register_functions(db)  # the store's triggers read its packed JSON (written back as plain text here)
        with db:
            for cid, short, full in (
                ("c-zero", "1-01-01T00:00:00+00:00", "0001-01-01T00:00:00Z"),
                ("c-end", "9999-12-31T23:59:59+00:00", "9999-12-31T23:59:59Z"),
            ):
                db.execute(
                    f"UPDATE conversations SET last_at = ?, raw = json_set({conversation_json_sql()},"
                    " '$.lastMessage.created.at', ?)"
                    " WHERE id = ?",
                    (short, full, cid),
                )
                db.execute(
                    "UPDATE messages SET created_at = ?, raw = json_set(sakari_json(raw), '$.created.at', ?)"
                    " WHERE conversation_id = ?",
                    (short, full, cid),
                )
        db.close()
        app = App(env)
        try:
            app.wait_for(lambda out: b"Zero Time" in out and b"End Time" in out, 20, "both conversations listed")
            for _ in range(2):
                mark = len(app.output)
                app.key(b"\r")
                app.wait_for(lambda out: b"says hi" in out, 5, "the thread", since=mark)
                app.key(b"\x1b")
                app.pump_for(0.3)
                app.key(b"j")
            app.pump_for(1.0)
            assert not app.exited(), bytes(app.output[-800:])
        finally:
            app.close()
        assert b"stopped unexpectedly" not in app.output and b"Traceback" not in app.output


def test_a_full_disk_keeps_the_app_running_and_the_text_on_screen(tmp_path, tiny_disk):
    with SimulatorServer(seed=1, customers=False) as server:
        env = app_env(server, tmp_path, columns=COLUMNS, lines=LINES)
        env["SAKARI_TUI_DATA"] = str(tiny_disk.path)
        app = App(env)
        try:
            open_top(app)
            tiny_disk.fill()
            text = "kept while the disk is full"
            for char in text:
                app.key(char.encode())
            app.pump_for(0.6)  # the draft save runs into the full disk
            mark = len(app.output)
            app.key(b"\x13")  # Ctrl+S
            app.wait_for(lambda out: b"not saving" in out, 5, "the status line saying so", since=mark)
            app.pump_for(0.5)
            assert not app.exited()
            assert not [m for m in server.state.messages.values() if m.text == text]
            assert text in screen_text(bytes(app.output[mark:])) or text in screen_text(bytes(app.output))
            tiny_disk.free()
            app.key(b"\x13")
            app.wait_for(
                lambda out: any(m.text == text for m in server.state.messages.values()),
                10,
                "the reply sent once the disk has room",
            )
            app.pump_for(0.5)
        finally:
            app.close()
        assert len([m for m in server.state.messages.values() if m.text == text]) == 1
        assert b"stopped unexpectedly" not in app.output and b"Traceback" not in app.output


def test_a_first_text_whose_answer_is_lost_shows_once_in_its_new_thread(tmp_path):
    with SimulatorServer(seed=1, customers=False) as server:
        app = App(app_env(server, tmp_path, columns=COLUMNS, lines=LINES))
        try:
            app.wait_for(lambda out: LIST_READY.search(out) is not None, 20, "the inbox list")
            app.wait_quiet(0.3, 5)
            server.state.set_faults(drop_after_commit_rate=1.0, operations=(SEND,))
            # The form is waited for (keys sent before it is up went to the list on a busy machine),
            # and each field's text for its echo; the text after a Tab follows it at once, as a
            # fast typist's does (it landed in the field Tab left before Tab took priority).
            mark = len(app.output)
            app.key(b"N")
            app.wait_for(lambda out: b"New conversation" in out, 10, "the new conversation form", since=mark)
            app.wait_quiet(0.2, 5)
            fields = ((b"+14155550133", b"55550133"), (b"Ines Park", b"Park"), (b"Your table is ready", b"ready"))
            for index, (keys, shown) in enumerate(fields):
                if index:
                    app.key(b"\t")
                mark = len(app.output)
                for char in keys:
                    app.key(bytes([char]))
                app.wait_for(lambda out, shown=shown: shown in out, 10, f"{shown!r} typed", since=mark)
                app.wait_quiet(0.1, 5)
            app.key(b"\x13")
            path = store_of(tmp_path, server)

            def settled(_out: bytes) -> bool:
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
                register_functions(db)  # sakari_json: the JSON of a packed row
                try:
                    placeholders = db.execute("SELECT COUNT(*) FROM conversations WHERE id LIKE 'new:%'").fetchone()[0]
                    outbox = db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
                    ours = db.execute(
                        "SELECT COUNT(*) FROM messages WHERE json_extract(sakari_json(raw), '$.message') = ?",
                        ("Your table is ready",),
                    ).fetchone()[0]
                finally:
                    db.close()
                return placeholders == 0 and outbox == 0 and ours == 1

            app.wait_for(settled, 20, "the first text found and its thread moved to the real conversation")
            app.wait_quiet(0.3, 3)
            assert "Your table is ready" in screen_text(bytes(app.output))
            assert "Ines Park" in screen_text(bytes(app.output))
        finally:
            app.close()
        assert len([m for m in server.state.messages.values() if m.text == "Your table is ready"]) == 1
        assert b"Traceback" not in app.output


class EchoingGateway:
    """An API that fails every call with an error quoting the request, as a misconfigured gateway does."""

    def __init__(self) -> None:
        self.seen: list[str] = []

        async def echo(request: Request) -> JSONResponse:
            auth = request.headers.get("authorization", "")
            self.seen.append(auth)
            message = f"Upstream refused: Authorization: {auth}; request {json.dumps(dict(request.headers))}"
            return JSONResponse({"success": False, "error": {"code": "GW-1", "message": message}}, status_code=502)

        app = Starlette(routes=[Route("/{path:path}", echo, methods=["GET", "POST", "PUT"])])
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> EchoingGateway:
        self.thread.start()
        while not self.server.started:
            threading.Event().wait(0.02)
        return self

    @property
    def url(self) -> str:
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(5)


def test_credentials_quoted_by_a_server_are_not_shown(tmp_path):
    with SimulatorServer(seed=1, customers=False) as server, EchoingGateway() as gateway:
        env = app_env(server, tmp_path, columns=COLUMNS, lines=LINES)
        env["SAKARI_API_URL"] = gateway.url  # tokens from the simulator, everything else through the gateway
        app = App(env)
        try:
            app.wait_for(lambda out: b"Upstream refused" in out, 20, "the gateway's error on screen")
            app.pump_for(1.0)
        finally:
            app.close()
        tokens = [auth.removeprefix("Bearer ") for auth in gateway.seen if auth]
        assert tokens, "the gateway saw no token"
        shown = screen_text(bytes(app.output))
        assert server.client_secret not in shown
        assert all(token not in shown and token[:40] not in shown for token in tokens)
