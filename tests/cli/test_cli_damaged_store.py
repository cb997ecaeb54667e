"""Starting on a damaged store: one sentence, and an offer to move it aside keeping the unsent replies."""

from __future__ import annotations

import io
import re
import sys

import pytest

from sakari_tui.cli import build_parser
from sakari_tui.cli.inbox import offer_fresh_store, run_app
from sakari_tui.config import SakariSection, Settings
from sakari_tui.store import Store, StoreDamaged

PERSONAL = re.compile(r"Sipho|Nkosi|\+?1555\d")


@pytest.fixture
def damaged(tmp_path):
    """A store whose header is garbage, with a cached contact's name and number in it."""
    path = tmp_path / "data" / "inbox.sqlite3"
    path.parent.mkdir()
    path.write_bytes(b"\x13\x37garbage Sipho Nkosi +15550000001 " * 300)
    return path


def settings() -> Settings:
    return Settings(
        sakari=SakariSection(
            account_id="acct",
            client_id="id",
            client_secret="secret",
            api_url="http://127.0.0.1:9/v1",
            token_url="http://127.0.0.1:9/oauth2/token",
        )
    )


class FakeApp:
    return_code = 0
    fatal_error = None

    def __init__(self, engine) -> None:
        self.engine = engine

    def run(self) -> None:
        FakeApp.ran_with = self.engine.store


@pytest.fixture
def fake_app(monkeypatch):
    import sakari_tui.ui.app as app_module

    monkeypatch.setattr(app_module, "make_app", lambda settings, engine, **kwargs: FakeApp(engine))
    FakeApp.ran_with = None
    return FakeApp


def test_not_on_a_terminal_it_says_how_and_changes_nothing(damaged, monkeypatch, capsys, fake_app):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    before = damaged.read_bytes()
    assert run_app(settings(), damaged, settings_path=None, demo=False) == 2
    err = capsys.readouterr().err
    assert f"The local store at {damaged} is damaged." in err
    assert "sakari-tui --reset-damaged-store" in err
    assert not PERSONAL.search(err) and "Traceback" not in err
    assert damaged.read_bytes() == before and fake_app.ran_with is None


def test_on_a_terminal_a_yes_moves_it_aside_and_the_app_starts(damaged, capsys, fake_app):
    error = StoreDamaged(f"The local store at {damaged} is damaged.")
    prompts = []
    code = offer_fresh_store(damaged, error, ask=lambda prompt: prompts.append(prompt) or "y", interactive=True)
    assert code == 0
    assert prompts == ["Move it aside and start fresh? Replies still waiting to be sent are kept. [y/N] "]
    out = capsys.readouterr()
    assert "damaged-" in out.err + out.out and not PERSONAL.search(out.err + out.out)
    assert len(list(damaged.parent.glob("inbox.sqlite3.damaged-*"))) == 1
    Store(damaged).close()  # a fresh, working store


@pytest.mark.parametrize("answer", ["", "n", "no", EOFError, KeyboardInterrupt])
def test_on_a_terminal_anything_but_yes_changes_nothing(damaged, answer, capsys):
    def ask(prompt: str) -> str:
        if isinstance(answer, type):
            raise answer
        return answer

    error = StoreDamaged(f"The local store at {damaged} is damaged.")
    assert offer_fresh_store(damaged, error, ask=ask, interactive=True) == 2
    assert list(damaged.parent.glob("*.damaged-*")) == []


def test_the_flag_moves_it_aside_without_asking_and_the_app_runs_on_the_fresh_store(
    damaged, monkeypatch, capsys, fake_app
):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert run_app(settings(), damaged, settings_path=None, demo=False, reset_damaged_store=True) == 0
    assert fake_app.ran_with is not None and fake_app.ran_with.path == damaged
    assert len(list(damaged.parent.glob("inbox.sqlite3.damaged-*"))) == 1
    assert "kept 0 replies" in capsys.readouterr().err


def test_the_flag_is_in_the_parser():
    assert build_parser().parse_args(["--reset-damaged-store"]).reset_damaged_store is True
    assert build_parser().parse_args([]).reset_damaged_store is False
