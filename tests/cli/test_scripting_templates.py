"""`templates pull` / `push` as commands: pull then a dry-run push says no change; an edit pushed
shows on Sakari and in the next pull; a refused file exits 3; JSON output parsed."""

from __future__ import annotations

import json

from ..support.scripting import run


def test_pull_then_dry_run_push_is_no_change(account, capsys, tmp_path):
    folder = tmp_path / "templates"
    code, out, err = run(capsys, "templates", "pull", str(folder))
    assert code == 0, err and "written" in out
    code, out, err = run(capsys, "templates", "push", str(folder), "--dry-run")
    assert code == 0, err
    assert out.strip() == "No change."


def test_an_edit_round_trips_through_push_and_pull(account, capsys, tmp_path):
    folder = tmp_path / "templates"
    assert run(capsys, "templates", "pull", str(folder))[0] == 0
    target = folder / "thanks.txt"
    target.write_text(target.read_text().rstrip("\n") + " See you soon!\n")
    code, out, err = run(capsys, "templates", "push", str(folder), "--dry-run", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["dryRun"] is True and plan["updates"] == ["Thanks"] and plan["creates"] == []
    code, _out, err = run(capsys, "templates", "push", str(folder))
    assert code == 0, err
    with account.state.lock:
        [thanks] = [t for t in account.state.templates.values() if t.name == "Thanks"]
        assert thanks.template.endswith("See you soon!")
    fresh = tmp_path / "again"
    assert run(capsys, "templates", "pull", str(fresh))[0] == 0
    assert (fresh / "thanks.txt").read_text() == target.read_text()


def test_a_file_that_cannot_go_is_refused_with_exit_3(account, capsys, tmp_path):
    folder = tmp_path / "templates"
    assert run(capsys, "templates", "pull", str(folder))[0] == 0
    (folder / "broken.txt").write_text("---\ntype: SMS\n---\nNo name in the front matter\n")
    code, out, _err = run(capsys, "templates", "push", str(folder), "--dry-run")
    assert code == 3 and "broken.txt" in out
