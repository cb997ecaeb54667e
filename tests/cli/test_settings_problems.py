"""A settings file that exists but is malformed: a headline about the file (on the screen and on the
command line), never the credentials prompt, and advice that `config init` agrees with."""

import asyncio
import shlex
import shutil

import pytest
from textual.widgets import Static

from sakari_tui import logs
from sakari_tui.cli import main
from sakari_tui.cli.setup import run_config_init
from sakari_tui.config import ConfigError, load_settings
from sakari_tui.simulator.server import SimulatorServer
from sakari_tui.ui.screens.no_config import NoConfigApp

from ..support.screen import screen_text

WRONG_TYPE = '[sync]\npoll_interval = "often"\n'


@pytest.fixture(autouse=True)
def no_log_file_left_behind():
    yield
    logs.stop_logging()
    logs.forget_secrets()


def settings_file(isolated_paths, content):
    path = isolated_paths / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    path.chmod(0o600)
    return path


def the_error(path, env=None):
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env=env or {})
    return caught.value


def shown(app: NoConfigApp) -> str:
    """What the screen says, read with Pilot (in its own loop: config init runs one of its own).

    The explanation's own lines: on screen, the long tmp paths of tests wrap in the 80-column box."""

    async def read() -> str:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert screen_text(app).strip()
            return str(app.query_one("#explain", Static).content)

    return asyncio.run(read())


def lines_with(text: str, word: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if word in line]


@pytest.mark.parametrize("content", [WRONG_TYPE, "[sakari\n", 'sakari = "x"\n'])
def test_the_screen_leads_with_the_file_not_the_credentials(isolated_paths, content):
    path = settings_file(isolated_paths, content)
    error = the_error(path)
    text = shown(NoConfigApp(path, [], error=error))
    assert "Your settings file has a problem:" in text
    assert f"{path}, sync.poll_interval: input should be a valid number" in text or content != WRONG_TYPE
    assert "needs your Sakari API credentials" not in text and "Missing:" not in text


def test_the_screens_advice_is_what_config_init_does(isolated_paths, capsys):
    """While the file is malformed, config init refuses it, so the screen only advises it after the
    move it spells out; done as written, config init then works."""
    path = settings_file(isolated_paths, WRONG_TYPE)
    text = shown(NoConfigApp(path, [], error=the_error(path)))
    assert not [line for line in lines_with(text, "config init") if line != "sakari-tui config init"]
    assert run_config_init(lambda prompt="": "unused", lambda prompt="": "unused") == 2  # refused, as advised
    ((cd, folder),) = [shlex.split(line) for line in lines_with(text, "cd ")]
    ((mv, source, target),) = [shlex.split(line) for line in lines_with(text, "mv ")]
    assert (cd, folder, mv, source) == ("cd", str(path.parent), "mv", path.name)
    shutil.move(path.parent / source, path.parent / target)
    with SimulatorServer(seed=1) as server:
        ids = iter([server.account_id, server.client_id])
        code = run_config_init(
            lambda prompt="": next(ids), lambda prompt="": server.client_secret, api_url=server.base_url
        )
    assert code == 0 and load_settings(path, env={}).sakari.account_id == server.account_id
    assert (path.parent / (path.name + ".broken")).read_text() == WRONG_TYPE


def test_missing_credentials_still_advise_config_init_which_keeps_the_file(isolated_paths, capsys):
    path = settings_file(isolated_paths, '[ui]\ntheme = "nord"\n')
    text = shown(NoConfigApp(path, load_settings(path, env={}).sakari.missing_credentials))
    assert "needs your Sakari API credentials" in text and "sakari-tui config init" in text
    with SimulatorServer(seed=1) as server:
        ids = iter([server.account_id, server.client_id])
        code = run_config_init(
            lambda prompt="": next(ids), lambda prompt="": server.client_secret, api_url=server.base_url
        )
    assert code == 0 and load_settings(path, env={}).ui.theme == "nord"


def test_a_bad_variable_names_the_variable_not_the_file(isolated_paths):
    path = settings_file(isolated_paths, "")
    error = the_error(path, {"SAKARI_API_URL": "nope"})
    text = shown(NoConfigApp(path, [], error=error))
    assert "Environment variable SAKARI_API_URL (setting sakari.api_url): must start with" in text
    assert "Fix or unset SAKARI_API_URL" in text
    assert "settings file has a problem" not in text and "needs your Sakari API credentials" not in text


def test_the_command_line_says_the_headline_too(isolated_paths, monkeypatch, capsys):
    shown_problem = {}
    monkeypatch.setattr(NoConfigApp, "run", lambda self: shown_problem.update(problem=self.problem))
    path = settings_file(isolated_paths, WRONG_TYPE)
    assert main([]) == 2
    headline = f"Your settings file has a problem: {path}, sync.poll_interval: input should be a valid number"
    assert shown_problem["problem"].startswith(headline)
    assert capsys.readouterr().err.startswith(f"sakari-tui: {headline}")


def test_plain_http_to_another_machine_is_warned_about_at_start(isolated_paths, monkeypatch, capsys):
    from sakari_tui.cli import inbox

    runs = []
    monkeypatch.setattr(inbox, "run_app", lambda settings, store, **options: runs.append(options) or 0)
    settings_file(
        isolated_paths,
        '[sakari]\naccount_id = "a"\nclient_id = "b"\nclient_secret = "c"\napi_url = "http://sakari.example.com"\n'
        'token_url = "https://sakari.example.com/oauth2/token"\n',
    )
    assert main([]) == 0
    (warning,) = runs[0]["warnings"]
    assert warning.startswith("http://sakari.example.com is plain http to another machine")
    assert "is plain http to another machine" in capsys.readouterr().err
