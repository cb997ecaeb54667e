"""`sakari-tui outbox run --once` against the simulator: a due scheduled reply goes exactly once,
a second run sends nothing, and a running app's store is left to the app."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from sakari_tui.api import SakariClient
from sakari_tui.cli import main
from sakari_tui.cli.inbox import account_store_path
from sakari_tui.cli.outbox import EXIT_APP_RUNNING, EXIT_OK, EXIT_REFUSED
from sakari_tui.store import Store
from sakari_tui.sync import InboxEngine

TEXT = "Good morning! Your order ships today."


@pytest.fixture
def account(server, monkeypatch):
    """The simulator's account in the environment, as a timer's unit would set it."""
    monkeypatch.setenv("SAKARI_ACCOUNT_ID", server.account_id)
    monkeypatch.setenv("SAKARI_CLIENT_ID", server.client_id)
    monkeypatch.setenv("SAKARI_CLIENT_SECRET", server.client_secret)
    monkeypatch.setenv("SAKARI_API_URL", server.base_url)
    monkeypatch.setenv("SAKARI_TOKEN_URL", server.token_url)
    return account_store_path(server.account_id)


def schedule(server, store_path, text, send_at):
    """What the app did before it quit: a reply scheduled in the account's store."""

    async def go():
        store = Store(store_path, exclusive=True)
        client = SakariClient(
            account_id=server.account_id,
            client_id=server.client_id,
            client_secret=server.client_secret,
            api_url=server.base_url,
            token_url=server.token_url,
        )
        engine = InboxEngine(client, store)
        await engine.sync_conversations()
        row = next(r for r in store.inbox.rows() if not r.opted_out and not r.closed)
        await engine.sync_thread(row.id)
        engine.schedule_reply(row.id, text, send_at, window=None)
        await client.aclose()
        store.close()

    store_path.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(go())


def sent(server, text):
    with server.state.lock:
        return [m for m in server.state.messages.values() if m.outgoing and m.text == text]


def test_a_due_reply_goes_exactly_once_and_a_second_run_sends_nothing(server, account, capsys):
    schedule(server, account, TEXT, time.time() - 1)
    assert main(["outbox", "run", "--once"]) == EXIT_OK
    assert len(sent(server, TEXT)) == 1
    assert capsys.readouterr().out.strip() == "Sent 1 reply."
    assert main(["outbox", "run", "--once"]) == EXIT_OK
    assert len(sent(server, TEXT)) == 1
    assert capsys.readouterr().out == ""


def test_a_reply_not_due_yet_stays_and_is_listed(server, account, capsys):
    schedule(server, account, TEXT, time.time() + 3600)
    assert main(["outbox", "run", "--once"]) == EXIT_OK
    assert sent(server, TEXT) == []
    assert main(["outbox", "list"]) == EXIT_OK
    local_id, state = capsys.readouterr().out.split("\t")[:2]
    assert local_id.startswith("out-") and state.startswith("scheduled at ")
    assert main(["outbox", "list", "--json", "localId,state,text,sendAt"]) == EXIT_OK
    [row] = json.loads(capsys.readouterr().out)
    assert row["localId"] == local_id and row["state"] == "scheduled" and row["text"] == TEXT
    assert row["sendAt"].endswith("+00:00") and set(row) == {"localId", "state", "text", "sendAt"}


def test_while_the_app_holds_the_store_it_leaves_the_sending_to_the_app(server, account, capsys):
    schedule(server, account, TEXT, time.time() - 1)
    app_store = Store(account, exclusive=True)  # the running app
    try:
        assert main(["outbox", "run", "--once"]) == EXIT_APP_RUNNING
    finally:
        app_store.close()
    assert sent(server, TEXT) == []
    assert "sends its scheduled replies itself" in capsys.readouterr().err


def test_a_refused_reply_exits_non_zero_with_one_sentence(server, account, capsys):
    schedule(server, account, TEXT, time.time() - 1)
    with server.state.lock:
        for record in server.state.contacts.values():
            record.blocked_at = server.state.now()  # everyone opted out meanwhile
    assert main(["outbox", "run", "--once"]) == EXIT_REFUSED == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("sakari-tui: not sent: The contact opted out")


def test_the_demo_is_refused_with_a_reason(capsys):
    assert main(["--demo", "outbox", "run", "--once"]) == 2
    assert "demo" in capsys.readouterr().err


def test_the_exit_codes_are_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["outbox", "run", "--help"])
    assert "exit codes: 0 nothing failed" in " ".join(capsys.readouterr().out.split())
