"""The command line: version, help, config path/init, settings written back safely."""

import os
import stat
import tomllib

import pytest

from sakari_tui import __version__, logs
from sakari_tui.cli import main
from sakari_tui.cli.setup import run_config_init
from sakari_tui.config import load_settings, update_config_file, write_config_file
from sakari_tui.simulator.server import SimulatorServer


@pytest.fixture(autouse=True)
def no_log_file_left_behind():
    """The inbox commands attach a log handler to the root logger; later tests must not inherit it."""
    yield
    logs.stop_logging()
    logs.forget_secrets()


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and __version__ in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "--demo" in out and "simulator" in out and "config" in out


def test_config_path_follows_the_override(capsys, isolated_paths):
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(isolated_paths / "config" / "config.toml")


def answers(*values):
    values = iter(values)
    return lambda prompt="": next(values)


def test_config_init_checks_credentials_and_writes_a_private_file(monkeypatch, isolated_paths, capsys):
    with SimulatorServer(seed=1) as server:
        monkeypatch.setenv("SAKARI_API_URL", server.base_url)
        monkeypatch.setenv("SAKARI_TOKEN_URL", server.token_url)
        assert run_config_init(answers(server.account_id, server.client_id), answers(server.client_secret)) == 0
    path = isolated_paths / "config" / "config.toml"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    written = tomllib.loads(path.read_text())
    assert written["sakari"] == {
        "account_id": server.account_id,
        "client_id": server.client_id,
        "client_secret": server.client_secret,
        "api_url": server.base_url,
        "token_url": server.token_url,
    }  # the URLs from the environment are saved with them: a plain `sakari-tui` reaches the same server
    out = capsys.readouterr().out
    assert server.client_secret not in out
    assert "the file is private (mode 0600" in out


def test_config_init_takes_the_secret_from_the_command_and_keeps_it_out_of_the_file(
    monkeypatch, isolated_paths, capsys
):
    import shlex
    import sys

    path = isolated_paths / "config" / "config.toml"
    with SimulatorServer(seed=1) as server:
        command = f"{shlex.quote(sys.executable)} -c {shlex.quote(f'print({server.client_secret!r})')}"
        write_config_file(path, {"sakari": {"client_secret_command": command}})
        monkeypatch.setenv("SAKARI_API_URL", server.base_url)
        monkeypatch.setenv("SAKARI_TOKEN_URL", server.token_url)

        def no_secret_prompt(prompt=""):
            raise AssertionError("asked for the secret although the command supplies it")

        assert run_config_init(answers(server.account_id, server.client_id), no_secret_prompt) == 0
    written = tomllib.loads(path.read_text())["sakari"]
    assert written == {
        "client_secret_command": command,
        "account_id": server.account_id,
        "client_id": server.client_id,
        "api_url": server.base_url,
        "token_url": server.token_url,
    }
    out = capsys.readouterr().out
    assert "from client_secret_command" in out and server.client_secret not in out


def test_config_init_reports_a_failing_secret_command(isolated_paths, capsys):
    path = isolated_paths / "config" / "config.toml"
    write_config_file(path, {"sakari": {"client_secret_command": "no-such-program-sakari-test"}})
    assert run_config_init(answers(), answers()) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "sakari.client_secret_command" in err and "was not found" in err


def test_new_flags_are_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "--debug" in out and "--strict-perms" in out


def test_config_init_refuses_bad_credentials_and_writes_nothing(monkeypatch, isolated_paths, capsys):
    with SimulatorServer(seed=1) as server:
        monkeypatch.setenv("SAKARI_API_URL", server.base_url)
        monkeypatch.setenv("SAKARI_TOKEN_URL", server.token_url)
        ids = answers(
            server.account_id, server.client_id, "", "", "", ""
        )  # three tries (tests/cli/test_config_init.py)
        assert run_config_init(ids, answers("wrong-secret", "wrong-secret", "wrong-secret")) == 2
    captured = capsys.readouterr()
    assert "refused the client id and secret" in captured.err and "nothing was written" in captured.err
    assert "wrong-secret" not in captured.out + captured.err
    assert not (isolated_paths / "config" / "config.toml").exists()


def test_config_init_reports_an_unreachable_api(monkeypatch, isolated_paths, capsys):
    monkeypatch.setenv("SAKARI_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("SAKARI_TOKEN_URL", "http://127.0.0.1:9/oauth2/token")
    assert run_config_init(answers("a", "b", "n"), answers("c")) == 2  # "n": do not save unchecked
    assert "Could not reach http://127.0.0.1:9/oauth2/token (the token URL)" in capsys.readouterr().out


def test_update_keeps_other_keys_and_stays_private(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[sakari]\naccount_id = "acc"\n\n[ui]\ntheme = "nord"\n')
    update_config_file(path, {("ui", "show_closed"): True, ("ui", "theme"): "gruvbox"})
    settings = load_settings(path, env={})
    assert settings.sakari.account_id == "acc"
    assert settings.ui.show_closed is True and settings.ui.theme == "gruvbox"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".config-")]  # no temp files left


def test_settings_sections_validate_with_file_and_key(tmp_path):
    from sakari_tui.config import ConfigError

    path = tmp_path / "config.toml"
    path.write_text("[sync]\npoll_interval = 0.1\n")
    with pytest.raises(ConfigError, match=r"sync\.poll_interval"):
        load_settings(path, env={})
    path.write_text('[ui]\ndefault_country = "Narnia"\n')
    with pytest.raises(ConfigError, match=r"ui\.default_country.*two-letter"):
        load_settings(path, env={})
    path.write_text('[ui]\ndefault_country = "gb"\n')
    assert load_settings(path, env={}).ui.default_country == "GB"


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, ["account_id", "client_id", "client_secret"]),
        ('[sakari]\naccount_id = "acc"\n', ["client_id", "client_secret"]),
    ],
)
def test_missing_credentials_open_the_explaining_screen(monkeypatch, isolated_paths, content, expected):
    from sakari_tui.ui.screens import no_config

    shown = {}
    monkeypatch.setattr(
        no_config.NoConfigApp, "run", lambda self: shown.update(missing=self.missing, problem=self.problem)
    )
    if content:
        path = isolated_paths / "config" / "config.toml"
        path.parent.mkdir(parents=True)
        path.write_text(content)
    assert main([]) == 2
    assert shown == {"missing": expected, "problem": None}


def test_malformed_settings_open_the_explaining_screen_with_file_and_key(monkeypatch, isolated_paths):
    from sakari_tui.ui.screens import no_config

    shown = {}
    monkeypatch.setattr(no_config.NoConfigApp, "run", lambda self: shown.update(problem=self.problem))
    path = isolated_paths / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('[sync]\npoll_interval = "often"\n')
    assert main([]) == 2
    assert str(path) in shown["problem"] and "sync.poll_interval" in shown["problem"]


# --- simulator --port: one sentence for each way listening can fail -----------------------------


@pytest.mark.parametrize("port", ["70000", "65536", "-1", "http", "80.5"])
def test_a_port_outside_the_range_is_refused_by_the_parser(port, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["simulator", "--port", port])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --port: {port!r} is not a port number; use 0 to 65535 (0 picks a free one)" in err
    assert "unexpectedly" not in err and "Traceback" not in err


def test_a_port_in_use_is_one_sentence(capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["simulator", "--port", str(port)]) == 2
    assert capsys.readouterr().err == (
        f"sakari-tui: port {port} on 127.0.0.1 is already in use; stop the program using it, "
        "or choose another --port (0 picks a free one).\n"
    )


@pytest.mark.parametrize(
    "port, expected",
    [
        (80, "port 80 needs administrator rights; choose a port above 1023 with --port (0 picks a free one)."),
        (8080, "listening on 127.0.0.1:8080 is not allowed here (permission denied); choose another --port."),
    ],
)
def test_a_port_needing_privileges_is_one_sentence(monkeypatch, capsys, port, expected):
    import errno

    from sakari_tui.simulator import server

    def refuse(**kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(server, "serve", refuse)
    assert main(["simulator", "--port", str(port)]) == 2
    assert capsys.readouterr().err == f"sakari-tui: {expected}\n"


@pytest.mark.parametrize(
    "host, expected",
    [
        ("192.0.2.1", "192.0.2.1 is not an address of this machine; use 127.0.0.1 (the default) or one of its own."),
        (
            "no-such-host.invalid",
            "no-such-host.invalid is not an address of this machine; use 127.0.0.1 (the default) or one of its own.",
        ),
    ],
)
def test_an_address_that_is_not_ours_is_one_sentence(monkeypatch, capsys, host, expected):
    import socket

    if host.endswith(".invalid"):  # never ask a real resolver

        def unknown(*args, **kwargs):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

        monkeypatch.setattr(socket, "getaddrinfo", unknown)
    assert main(["simulator", "--host", host, "--port", "0"]) == 2
    assert capsys.readouterr().err == f"sakari-tui: {expected}\n"


def test_the_inbox_start_reads_its_options_without_building_every_command(monkeypatch):
    """`sakari-tui` and `sakari-tui --demo --seed 3` skip the commands' parsers (a tenth of the
    first frame); anything else (a command, --help, a bad value) goes through the whole parser."""
    from sakari_tui import cli

    assert cli._inbox_arguments([]).command is None
    demo = cli._inbox_arguments(["--demo", "--seed", "3", "--debug"])
    assert (demo.demo, demo.seed, demo.debug, demo.command) == (True, 3, True, None)
    for words in (["send", "hi"], ["--help"], ["-h"], ["--seed", "x"], ["unread"], ["3"]):
        assert cli._inbox_arguments(words) is None, words
    full = cli.build_parser().parse_args(["--demo", "--seed", "3", "--debug"])
    assert vars(full) == vars(demo)
