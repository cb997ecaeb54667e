"""`sakari-tui store compact`: converts an older store, gives the space back, says so; one sentence
and its exit code when it cannot."""

from __future__ import annotations

import re

import pytest

from sakari_tui.cli import main
from sakari_tui.store import Store
from tests.support.factories import conversation, message
from tests.support.old_store import old_store

ACCOUNT = "acc-1"


@pytest.fixture
def config(isolated_paths):
    path = isolated_paths / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(f'[sakari]\naccount_id = "{ACCOUNT}"\nclient_id = "c"\nclient_secret = "s"\n')
    return path


def _fill(inbox) -> None:
    inbox.merge_conversations(conversation(f"c{i}", text=f"order {i} shipped", minutes_ago=i) for i in range(30))
    for i in range(30):
        inbox.merge_messages(f"c{i}", [message(f"m{i}-{j}", f"invoice {j} " * 20, cid=f"c{i}") for j in range(5)])


@pytest.fixture
def store_path(isolated_paths, config):
    path = isolated_paths / "data" / f"inbox-{ACCOUNT}.sqlite3"
    path.parent.mkdir(parents=True)
    old_store(path, 13, _fill)
    return path


def test_compact_converts_and_prints_the_sizes(store_path, capsys):
    assert main(["store", "compact"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == f"Converted 180 messages and 30 conversations in {store_path}."
    sizes = re.fullmatch(r"Size: (\d+) KB before, (\d+) KB after\.", lines[1])
    assert sizes is not None and int(sizes[2]) < int(sizes[1])
    store = Store(store_path)
    assert store.db.execute("SELECT count(*) FROM messages WHERE typeof(raw) = 'text'").fetchone()[0] == 0
    assert [hit.message_id for hit in store.search.search("invoice 4")][:1] and len(store.inbox.rows()) == 30
    store.close()
    assert main(["store", "compact"]) == 0  # again: nothing left to convert
    assert capsys.readouterr().out.startswith("Converted 0 messages and 0 conversations")


def test_compact_refuses_while_the_app_runs(store_path, capsys):
    app = Store(store_path, exclusive=True, role="app")
    try:
        assert main(["store", "compact"]) == 3
    finally:
        app.close()
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "quit it and run this again" in err


def test_compact_without_a_store_is_one_sentence(isolated_paths, config, capsys):
    assert main(["store", "compact"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "No local inbox yet" in err


def test_compact_of_the_demo_is_refused(isolated_paths, capsys):
    assert main(["--demo", "store", "compact"]) == 2
    assert "demo" in capsys.readouterr().err
