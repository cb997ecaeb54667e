"""`sakari-tui unread`: the count from the local store, read-only, fast, and one sentence when it cannot."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sakari_tui.cli import main, unread
from sakari_tui.store import Store
from sakari_tui.store.unread import unread_counts
from tests.support.factories import conversation

ACCOUNT = "acc-1"
HEAVY = ("textual", "pydantic", "httpx", "phonenumbers", "rich", "sakari_tui.store.cache", "sakari_tui.config")


@pytest.fixture
def config(isolated_paths):
    path = isolated_paths / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(f'[sakari]\naccount_id = "{ACCOUNT}"\nclient_id = "c"\n')
    return path


def store_file(isolated_paths, account=ACCOUNT) -> Path:
    return isolated_paths / "data" / f"inbox-{account}.sqlite3"


@pytest.fixture
def store(isolated_paths, config):
    s = Store(store_file(isolated_paths))
    s.inbox.merge_conversations(
        [
            conversation("new", minutes_ago=1, unread=["m1"]),
            conversation("two", minutes_ago=2, unread=["m1", "m2"]),
            conversation("read-later", minutes_ago=3, unread=["m"]),
            conversation("answered", minutes_ago=4),
            conversation("closed-unread", minutes_ago=5, unread=["m"], closed=True),
            conversation("closed", minutes_ago=6, closed=True),
        ]
    )
    s.inbox.mark_read("read-later")
    yield s
    s.close()


def run(capsys, *args):
    code = main(["unread", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_count_matches_the_app_for_open_conversations(store, capsys):
    expected = store.inbox.listing(show_closed=False).unread_total
    assert expected == 2
    assert run(capsys) == (0, f"{expected}\n", "")


def test_muted_are_not_counted_but_still_in_the_total(store, capsys):
    store.inbox.set_muted("two", True)
    assert run(capsys, "--format", "{unread} of {total}") == (0, "1 of 4\n", "")


def test_new_text_after_a_read_mark_counts_again(store, capsys):
    store.inbox.merge_conversations([conversation("read-later", minutes_ago=0, unread=["m", "n"], message_id="n")])
    assert run(capsys)[1] == "3\n"


def test_format_template(store, capsys):
    assert run(capsys, "--format", "✉ {unread}")[1] == "✉ 2\n"
    assert run(capsys, "--format", "{{{unread}/{total}}} {unread:>3}")[1] == "{2/4}   2\n"


@pytest.mark.parametrize(
    "template",
    [
        "{x}",
        "{}",
        "{0}",
        "{unread.real}",
        "{unread[0]}",
        "{unread!r}",
        "{unread",
        "unread}",
        "{unread:s}",
        "{total:{unread}}",
    ],
)
def test_bad_templates_are_one_sentence_and_exit_2(store, capsys, template):
    code, out, err = run(capsys, "--format", template)
    assert code == 2 and out == ""
    assert err.startswith("sakari-tui: --format ") and err.count("\n") == 1 and "Traceback" not in err


def test_the_environment_account_beats_the_file(isolated_paths, config, monkeypatch, capsys):
    other = Store(store_file(isolated_paths, "other_acc"))
    other.inbox.merge_conversations([conversation("x", unread=["m"])])
    other.close()
    monkeypatch.setenv("SAKARI_ACCOUNT_ID", "other/acc")  # unsafe characters map as the app maps them
    assert run(capsys)[1] == "1\n"


def test_no_store_yet_is_one_sentence_and_creates_nothing(isolated_paths, config, capsys):
    code, out, err = run(capsys)
    assert code == 2 and out == ""
    assert (
        err
        == f"sakari-tui: No local inbox yet for account {ACCOUNT} ({store_file(isolated_paths)}); run sakari-tui once.\n"
    )
    assert not (isolated_paths / "data").exists()


def test_no_config_is_one_sentence(isolated_paths, capsys):
    code, out, err = run(capsys)
    assert code == 2 and out == "" and "run 'sakari-tui config init'" in err and err.count("\n") == 1


def test_config_without_account_is_one_sentence(isolated_paths, capsys):
    path = isolated_paths / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("[ui]\ntheme = 'nord'\n")
    code, _, err = run(capsys)
    assert code == 2 and f"{path} has no sakari.account_id" in err


def test_broken_config_is_one_sentence(isolated_paths, capsys):
    path = isolated_paths / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("[sakari\n")
    code, _, err = run(capsys)
    assert code == 2 and err.startswith(f"sakari-tui: {path} is not valid TOML") and err.count("\n") == 1


def test_corrupt_store_is_one_sentence(isolated_paths, config, capsys):
    path = store_file(isolated_paths)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database" * 200)
    code, out, err = run(capsys)
    assert code == 2 and out == "" and "is damaged" in err and err.count("\n") == 1 and "Traceback" not in err


def test_empty_file_is_not_migrated(isolated_paths, config, capsys):
    path = store_file(isolated_paths)
    path.parent.mkdir(parents=True)
    path.touch()
    code, _, err = run(capsys)
    assert code == 2 and "start sakari-tui once" in err
    assert path.read_bytes() == b""  # read-only: no schema was created


def test_locked_store_is_one_sentence(store, capsys, monkeypatch):
    monkeypatch.setattr(unread, "UNREAD_BUSY_TIMEOUT_S", 0.05)
    store.close()
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=DELETE")  # WAL readers never wait; a rollback-journal lock blocks them
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, out, err = run(capsys)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2 and out == "" and "is busy" in err and err.count("\n") == 1


def test_reads_while_the_app_has_it_open_and_writes_nothing(store, capsys):
    version = store.db.execute("PRAGMA user_version").fetchone()[0]
    assert run(capsys)[1] == "2\n"
    store.inbox.mark_read("new")  # the app keeps writing meanwhile
    assert run(capsys)[1] == "1\n"
    store.inbox.mark_read("two")  # and can still write after our read
    assert run(capsys)[1] == "0\n"
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == version


def test_old_schema_is_not_migrated(isolated_paths, config, capsys):
    path = store_file(isolated_paths)
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE conversations (id TEXT PRIMARY KEY, closed INTEGER, unread_count INTEGER, last_at TEXT)")
    db.execute("CREATE TABLE read_marks (conversation_id TEXT PRIMARY KEY, read_through TEXT)")
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    code, _, err = run(capsys)
    assert code == 2 and "no such table: mutes" in err and "start sakari-tui once" in err
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    db.close()


def test_counts_straight_from_a_store_connection(store):
    assert unread_counts(store.db) == (2, 4)


def test_real_process_is_fast_and_imports_nothing_heavy(store):
    probe = (
        "import sys\n"
        "from sakari_tui.cli import main\n"
        "code = main(['unread', '--format', '{unread}/{total}'])\n"
        f"loaded = [name for name in {HEAVY!r} if name in sys.modules]\n"
        "print('heavy:', loaded, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=os.environ, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "2/4\n" and done.stderr == "heavy: []\n"
    # And as the command itself, with -X importtime: the same, through `python -m`.
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sakari_tui", "unread"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout == "2\n"
    imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "sakari_tui.cli" in imported and not {name for name in imported if name.split(".")[0] in HEAVY}
    assert not imported & set(HEAVY)


def test_demo_counts_the_demo_inbox(isolated_paths, capsys):
    code = main(["--demo", "unread"])
    err = capsys.readouterr().err
    assert code == 2 and "No demo inbox yet" in err and "sakari-tui --demo" in err and err.count("\n") == 1
    demo = Store(isolated_paths / "data" / "demo" / "inbox-demo.sqlite3")  # where `sakari-tui --demo` keeps it
    demo.inbox.merge_conversations([conversation("a", unread=["m"]), conversation("b", minutes_ago=1)])
    demo.close()
    assert main(["--demo", "unread", "--format", "{unread}/{total}"]) == 0
    assert capsys.readouterr().out == "1/2\n"


@pytest.mark.parametrize("template", ["{unread:c}", "{unread:x}", "{total:s}", "{unread!r}"])
def test_format_may_pad_but_not_change_type(store, capsys, template):
    code, out, err = run(capsys, "--format", template)
    assert code == 2 and out == "" and "--format may only use" in err


def test_format_padding_is_fine(store, capsys):
    assert run(capsys, "--format", "[{unread:>3}]") == (0, "[  2]\n", "")


def test_a_second_demo_leaves_the_running_demos_store_alone(isolated_paths):
    from sakari_tui.cli.inbox import _claim_demo_store, demo_store_path

    path = demo_store_path()
    first = _claim_demo_store(path)
    assert first is not None
    path.write_text("the running demo's inbox")
    assert _claim_demo_store(path) is None and path.exists()  # busy: the second demo goes aside
    first.close()
    again = _claim_demo_store(path)
    assert again is not None and not path.exists()  # free: a new demo starts afresh
    again.close()
