"""`sakari-tui config init` against any server: URLs checked and saved, three tries, unreachable
servers named, an existing file updated (not replaced), a malformed one refused with its headline."""

import socket
import tomllib

import pytest

from sakari_tui import logs
from sakari_tui.cli import main
from sakari_tui.cli.setup import run_config_init
from sakari_tui.config import load_settings, write_config_file
from sakari_tui.simulator.server import SimulatorServer


@pytest.fixture(autouse=True)
def no_log_file_left_behind():
    yield
    logs.stop_logging()
    logs.forget_secrets()


@pytest.fixture(scope="module")
def server():
    with SimulatorServer(seed=1) as running:
        yield running


def answers(*values):
    """A prompt answering `values` in turn; asking once more fails the test (the prompt was not expected)."""
    values = iter(values)

    def prompt(question=""):
        try:
            return next(values)
        except StopIteration:
            raise AssertionError(f"not expected to ask {question!r}") from None

    return prompt


def settings_path(isolated_paths):
    return isolated_paths / "config" / "config.toml"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed: connecting is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- URLs: given, checked, saved --------------------------------------------------------------


def test_the_url_flags_are_checked_and_saved_so_a_plain_start_reaches_that_server(
    server, isolated_paths, monkeypatch, capsys
):
    monkeypatch.setattr("builtins.input", answers(server.account_id, server.client_id))
    monkeypatch.setattr("getpass.getpass", answers(server.client_secret))
    code = main(["config", "init", "--api-url", server.base_url, "--token-url", server.token_url])
    assert code == 0
    written = tomllib.loads(settings_path(isolated_paths).read_text())["sakari"]
    assert written["api_url"] == server.base_url and written["token_url"] == server.token_url
    settings = load_settings(settings_path(isolated_paths), env={})
    assert settings.sakari.api_url == server.base_url and not settings.sakari.missing_credentials
    out = capsys.readouterr().out
    assert f"API URL:   {server.base_url} (from --api-url)" in out
    assert f"Token URL: {server.token_url} (from --token-url)" in out
    assert server.client_secret not in out


def test_the_url_variables_are_saved_too(server, isolated_paths, monkeypatch, capsys):
    monkeypatch.setenv("SAKARI_API_URL", server.base_url)
    monkeypatch.setenv("SAKARI_TOKEN_URL", server.token_url)
    assert run_config_init(answers(server.account_id, server.client_id), answers(server.client_secret)) == 0
    written = tomllib.loads(settings_path(isolated_paths).read_text())["sakari"]
    assert written["api_url"] == server.base_url and written["token_url"] == server.token_url
    assert "(from SAKARI_API_URL)" in capsys.readouterr().out


def test_a_flag_beats_a_bad_variable(server, isolated_paths, monkeypatch):
    monkeypatch.setenv("SAKARI_API_URL", "nope")
    code = run_config_init(
        answers(server.account_id, server.client_id),
        answers(server.client_secret),
        api_url=server.base_url,
        token_url=server.token_url,
    )
    assert code == 0


def test_the_token_url_follows_a_given_api_url(server, isolated_paths, capsys):
    # Else the secret would be sent to Sakari's own token endpoint while checking another server.
    code = run_config_init(
        answers(server.account_id, server.client_id), answers(server.client_secret), api_url=server.base_url
    )
    assert code == 0
    written = tomllib.loads(settings_path(isolated_paths).read_text())["sakari"]
    assert written["token_url"] == server.base_url + "/oauth2/token" == server.token_url
    assert "--token-url sets another" in capsys.readouterr().out


@pytest.mark.parametrize(
    "flag, url, problem",
    [
        ("--api-url", "ftp://127.0.0.1", "must start with http:// or https://"),
        ("--api-url", "http://", "has no host name after the //"),
        ("--token-url", "https://127.0.0.1:99999/oauth2/token", "is not a valid URL (check the host and the port)"),
    ],
)
def test_a_url_that_is_not_http_is_refused_before_any_question(isolated_paths, capsys, flag, url, problem):
    key = flag.removeprefix("--").replace("-", "_")
    assert run_config_init(answers(), answers(), **{key: url}) == 2
    err = capsys.readouterr().err
    assert err == f"sakari-tui: {flag} {url!r} {problem}; nothing was written.\n"
    assert not settings_path(isolated_paths).exists()


@pytest.mark.parametrize("key", ["api_url", "token_url"])
def test_plain_http_to_another_machine_is_refused_before_the_secret_is_asked(isolated_paths, capsys, key):
    url = "http://sakari.example.com"
    assert run_config_init(answers(), answers(), **{key: url}) == 2
    err = capsys.readouterr().err
    assert "is plain http to another machine" in err and "use https://" in err and err.count("\n") == 1
    assert not settings_path(isolated_paths).exists()


# --- Creating, Updating ---------------------------------------------------------------------------


def test_an_existing_file_is_updated_and_keeps_its_other_settings(server, isolated_paths, capsys):
    path = settings_path(isolated_paths)
    write_config_file(path, {"sakari": {"account_id": "old"}, "ui": {"theme": "nord"}, "keys": {"app.refresh": "f5"}})
    code = run_config_init(
        answers(server.account_id, server.client_id), answers(server.client_secret), api_url=server.base_url
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Updating {path}\n") and "Creating" not in out
    written = tomllib.loads(path.read_text())
    assert written["ui"] == {"theme": "nord"} and written["keys"] == {"app.refresh": "f5"}
    assert written["sakari"]["account_id"] == server.account_id


def test_a_new_file_is_created(server, isolated_paths, capsys):
    code = run_config_init(
        answers(server.account_id, server.client_id), answers(server.client_secret), api_url=server.base_url
    )
    assert code == 0 and capsys.readouterr().out.startswith(f"Creating {settings_path(isolated_paths)}\n")


# --- refused credentials: three tries -------------------------------------------------------------


def test_refused_credentials_are_asked_again_keeping_the_typed_ids(server, isolated_paths, capsys):
    ids = answers(server.account_id, "wrong-client", "", server.client_id)  # "" keeps the account id
    secrets = answers("wrong-secret", server.client_secret)
    assert run_config_init(ids, secrets, api_url=server.base_url) == 0
    out = capsys.readouterr().out
    assert "refused the client id and secret" in out and "Try again (2 tries left" in out
    assert "wrong-secret" not in out and server.client_secret not in out
    written = tomllib.loads(settings_path(isolated_paths).read_text())["sakari"]
    assert written["account_id"] == server.account_id and written["client_id"] == server.client_id


def test_a_wrong_account_id_is_asked_again_too(server, isolated_paths, capsys):
    ids = answers("no-such-account", server.client_id, server.account_id, "")
    assert run_config_init(ids, answers(server.client_secret, server.client_secret), api_url=server.base_url) == 0
    assert "Try again" in capsys.readouterr().out


def test_three_refusals_end_it_and_write_nothing(server, isolated_paths, capsys):
    ids = answers(server.account_id, server.client_id, "", "", "", "")
    secrets = answers("wrong-1", "wrong-2", "wrong-3")
    assert run_config_init(ids, secrets, api_url=server.base_url) == 2
    captured = capsys.readouterr()
    assert "Try again (2 tries left" in captured.out and "Try again (1 try left" in captured.out
    assert "That was the last of 3 tries; nothing was written." in captured.err
    assert "wrong-" not in captured.out + captured.err
    assert not settings_path(isolated_paths).exists()


# --- a server that is not there ------------------------------------------------------------------


def test_an_unreachable_token_url_is_named_and_saving_is_declined(isolated_paths, capsys):
    url = f"http://127.0.0.1:{closed_port()}"
    code = run_config_init(answers("acc", "cid", "n"), answers("the-secret-typed"), api_url=url)
    assert code == 2
    captured = capsys.readouterr()
    assert f"Could not reach {url}/oauth2/token (the token URL): nothing answered there" in captured.out
    assert "nothing was written" in captured.err
    assert "the-secret-typed" not in captured.out + captured.err
    assert not settings_path(isolated_paths).exists()


def test_an_unreachable_api_url_is_named_and_can_be_saved_unchecked(server, isolated_paths, capsys):
    url = f"http://127.0.0.1:{closed_port()}"
    ids = answers(server.account_id, server.client_id, "y")
    assert run_config_init(ids, answers(server.client_secret), api_url=url, token_url=server.token_url) == 0
    out = capsys.readouterr().out
    assert f"Could not reach {url} (the API URL)" in out and "without a check" in out
    written = tomllib.loads(settings_path(isolated_paths).read_text())["sakari"]
    assert written["api_url"] == url and written["client_secret"] == server.client_secret
    assert server.client_secret not in out


# --- a malformed settings file ----------------------------------------------------------------


@pytest.mark.parametrize(
    "content, where",
    [
        ('[sync]\npoll_interval = "often"\n', ", sync.poll_interval: input should be a valid number"),
        ("[sakari\n", ": it is not valid TOML"),
    ],
)
def test_a_malformed_file_is_refused_with_a_headline_about_the_file(isolated_paths, capsys, content, where):
    path = settings_path(isolated_paths)
    path.parent.mkdir(parents=True)
    path.write_text(content)
    assert run_config_init(answers(), answers()) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sakari-tui: Your settings file has a problem: {path}{where}")
    assert err.endswith("; fix it, or move the file aside, then run sakari-tui config init again.\n")
    assert path.read_text() == content
