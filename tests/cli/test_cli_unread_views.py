"""`sakari-tui unread --view needs-reply` and `{waiting}`: who waits for an answer, for a status bar."""

from __future__ import annotations

import time

import pytest

from sakari_tui.cli import main
from sakari_tui.store import Store
from tests.support.factories import conversation

from .test_cli_unread import config, store_file  # noqa: F401  (the fixture and the path)


@pytest.fixture
def store(isolated_paths, config):  # noqa: F811
    minutes = (time.time() - conversation("x").last_message.created_at.timestamp()) / 60
    s = Store(store_file(isolated_paths))
    # The builders date messages from a fixed NOW: shift them to the real present.
    s.inbox.merge_conversations(
        [
            conversation("waits-47m", minutes_ago=47 - minutes, unread=["m"]),
            conversation("waits-5m", minutes_ago=5 - minutes),
            conversation("muted", minutes_ago=90 - minutes, unread=["m"]),
            conversation("snoozed", minutes_ago=120 - minutes, contact_id="k-sn"),
            conversation("answered", minutes_ago=1 - minutes, outgoing=True),
            conversation("closed", minutes_ago=300 - minutes, closed=True),
        ]
    )
    s.inbox.set_muted("muted", True)
    s.inbox.snooze("snoozed", time.time() + 3600)
    yield s
    s.close()


def run(capsys, *args):
    code = main(["unread", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_view_needs_reply_counts_open_unmuted_not_snoozed(store, capsys):
    assert run(capsys, "--view", "needs-reply") == (0, "2\n", "")


def test_waiting_is_the_longest_current_wait(store, capsys):
    code, out, _ = run(capsys, "--view", "needs-reply", "--format", "{unread} waiting, longest {waiting}")
    assert code == 0 and out in ("2 waiting, longest 47m\n", "2 waiting, longest 46m\n")
    code, out, _ = run(capsys, "--format", "{unread}/{total} {waiting}")  # without --view: unread as before
    assert code == 0 and out.split(" ")[0] == "1/5"


def test_nobody_waiting_prints_an_empty_wait(isolated_paths, config, capsys):  # noqa: F811
    Store(store_file(isolated_paths)).close()
    assert run(capsys, "--view", "needs-reply", "--format", "[{waiting}]") == (0, "[]\n", "")


def test_an_unknown_view_is_one_sentence(store, capsys):
    code, out, err = run(capsys, "--view", "inbox-zero")
    assert code == 2 and out == "" and "needs-reply" in err and err.count("\n") == 1


def test_a_store_before_the_triage_migration_is_still_counted(isolated_paths, config, capsys):  # noqa: F811

    path = store_file(isolated_paths)
    s = Store(path)
    s.inbox.merge_conversations([conversation("new", unread=["m"])])
    s.close()
    import sqlite3

    db = sqlite3.connect(path)
    db.execute("DROP TABLE unread_marks")
    db.execute("PRAGMA user_version = 8")
    db.commit()
    db.close()
    assert run(capsys) == (0, "1\n", "")
