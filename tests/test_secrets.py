"""Secrets: file permissions, client_secret_command, the log file, and where secrets must never appear."""

from __future__ import annotations

import dataclasses
import logging
import os
import shlex
import stat
import sys
from logging.handlers import RotatingFileHandler

import httpx
import pytest

from sakari_tui import cli, config_secret, logs
from sakari_tui.api import SakariError
from sakari_tui.cli import inbox as cli_inbox
from sakari_tui.cli import setup as cli_setup
from sakari_tui.config import ConfigError, SakariSection, Settings, load_settings, permission_problem, write_config_file
from sakari_tui.paths import log_file
from sakari_tui.simulator import SimulatorServer

SECRET = "s3cret-from-the-file-0123456789"
PY = shlex.quote(sys.executable)


@pytest.fixture(autouse=True)
def clean_logging():
    """Each test starts without our log handler or registered secrets, and leaves none behind."""
    logs.stop_logging()
    logs.forget_secrets()
    yield
    logs.stop_logging()
    logs.forget_secrets()


def settings_file(isolated_paths, mode=0o600, **sakari):
    path = isolated_paths / "config" / "config.toml"
    write_config_file(path, {"sakari": sakari})
    os.chmod(path, mode)
    return path


def python(code: str) -> str:
    """A client_secret_command running `code` with this interpreter."""
    return f"{PY} -c {shlex.quote(code)}"


FULL = {"account_id": "acc", "client_id": "cid", "client_secret": SECRET}


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_secret_others_can_read_is_one_sentence_with_the_fix(isolated_paths, mode):
    path = settings_file(isolated_paths, mode, **FULL)
    problem = permission_problem(path)
    assert problem == f"{path} holds the client secret but other users can read it; fix it with: chmod 600 {path}"
    assert SECRET not in problem


@pytest.mark.parametrize(
    "mode, content, expected",
    [
        (0o600, FULL, False),
        (0o644, {"account_id": "acc"}, False),  # nothing secret in it
        (0o644, {"client_secret_command": "pass show sakari"}, False),  # readable is fine, no secret inside
        (0o664, {"client_secret_command": "pass show sakari"}, True),  # others could make it run their command
    ],
)
def test_only_exposures_that_matter_are_reported(isolated_paths, mode, content, expected):
    path = settings_file(isolated_paths, mode, **content)
    assert (permission_problem(path) is not None) == expected


def test_absent_or_malformed_files_are_left_to_the_loader(isolated_paths):
    path = isolated_paths / "config" / "config.toml"
    assert permission_problem(path) is None
    path.parent.mkdir(parents=True)
    path.write_text("[sakari\n")
    os.chmod(path, 0o644)
    assert permission_problem(path) is None


@pytest.mark.parametrize("folder_mode", [0o777, 0o775, 0o757, 0o1777])
def test_a_folder_others_can_write_is_one_sentence_naming_it(isolated_paths, folder_mode):
    path = settings_file(isolated_paths, 0o600, account_id="acc")  # nothing secret in the file itself
    os.chmod(path.parent, folder_mode)
    problem = permission_problem(path)
    assert problem == (
        f"{path.parent}, the folder of the settings file, can be changed by other users (they could replace "
        f"the file); fix it with: chmod go-w {path.parent}"
    )


@pytest.mark.parametrize("folder_mode", [0o700, 0o755, 0o750])
def test_a_folder_only_you_can_write_is_fine(isolated_paths, folder_mode):
    path = settings_file(isolated_paths, 0o600, **FULL)
    os.chmod(path.parent, folder_mode)
    assert permission_problem(path) is None


def test_the_settings_folder_is_created_private(isolated_paths):
    path = isolated_paths / "config" / "config.toml"
    write_config_file(path, {"sakari": {"account_id": "acc"}})
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.fixture
def app_runs(monkeypatch):
    """Replace the TUI with a recorder of what run_app was given."""
    calls = []

    def fake_run_app(settings, store_path, *, settings_path, demo, warnings=(), reset_damaged_store=False):
        calls.append({"settings": settings, "warnings": list(warnings), "level": logging.getLogger().level})
        return 0

    monkeypatch.setattr(cli_inbox, "run_app", fake_run_app)
    return calls


def test_the_inbox_warns_about_a_readable_secret_and_starts(isolated_paths, app_runs, capsys):
    path = settings_file(isolated_paths, 0o644, **FULL)
    assert cli.main([]) == 0
    err = capsys.readouterr().err
    assert f"chmod 600 {path}" in err and "Traceback" not in err
    assert len(app_runs) == 1 and app_runs[0]["warnings"] == [permission_problem(path)]
    assert "chmod 600" in log_file().read_text()


def test_strict_perms_refuses_to_start_with_the_same_sentence(isolated_paths, app_runs, capsys):
    path = settings_file(isolated_paths, 0o644, **FULL)
    assert cli.main(["--strict-perms"]) == 2
    assert capsys.readouterr().err.strip() == f"sakari-tui: {permission_problem(path)}"
    assert app_runs == []


def test_strict_perms_starts_with_a_private_file(isolated_paths, app_runs, capsys):
    settings_file(isolated_paths, 0o600, **FULL)
    assert cli.main(["--strict-perms"]) == 0
    assert app_runs[0]["warnings"] == [] and capsys.readouterr().err == ""


def test_strict_perms_does_not_run_a_command_others_could_have_changed(isolated_paths, app_runs, tmp_path):
    marker = tmp_path / "ran"
    command = python(f"open({str(marker)!r}, 'w'); print('x' * 10)")
    settings_file(isolated_paths, 0o666, account_id="acc", client_id="cid", client_secret_command=command)
    assert cli.main(["--strict-perms"]) == 2
    assert not marker.exists() and app_runs == []


def test_a_shared_folder_is_a_warning_and_with_strict_perms_a_refusal(isolated_paths, app_runs, capsys):
    path = settings_file(isolated_paths, 0o600, **FULL)
    os.chmod(path.parent, 0o777)
    problem = permission_problem(path)
    assert problem and str(path.parent) in problem
    assert cli.main([]) == 0 and app_runs[0]["warnings"] == [problem]
    assert capsys.readouterr().err == f"sakari-tui: warning: {problem}\n"
    app_runs.clear()
    assert cli.main(["--strict-perms"]) == 2 and app_runs == []
    assert capsys.readouterr().err == f"sakari-tui: {problem}\n"


def test_run_app_passes_warnings_to_the_app(monkeypatch, tmp_path):
    from sakari_tui.ui import app as ui_app

    received = {}

    class FakeApp:
        return_code = 0
        fatal_error = None

        def run(self):
            pass

    def fake_make_app(settings, engine, *, settings_path=None, demo=False, warnings=(), graphics=None):
        received["warnings"] = warnings
        return FakeApp()

    monkeypatch.setattr(ui_app, "make_app", fake_make_app)
    settings = Settings(sakari=SakariSection(account_id="a", client_id="b", client_secret=SECRET))
    assert cli_inbox.run_app(settings, tmp_path / "s.sqlite3", settings_path=None, demo=True, warnings=["careful"]) == 0
    assert received == {"warnings": ["careful"]}


# --- client_secret_command --------------------------------------------------------------------


def test_the_command_supplies_the_secret(isolated_paths):
    path = settings_file(isolated_paths, client_secret_command=python("print('  s3cret-cmd  ')"))
    assert load_settings(path, env={}).sakari.client_secret == "s3cret-cmd"


def test_only_the_first_line_counts_as_with_pass(isolated_paths):
    path = settings_file(isolated_paths, client_secret_command=python("print('s3cret-cmd\\nurl: example.com')"))
    assert load_settings(path, env={}).sakari.client_secret == "s3cret-cmd"


def test_the_command_runs_without_a_shell(isolated_paths):
    command = f"{PY} -c 'import sys; print(sys.argv[1])' '$HOME;|x'"
    path = settings_file(isolated_paths, client_secret_command=command)
    assert load_settings(path, env={}).sakari.client_secret == "$HOME;|x"


def test_environment_beats_file_beats_command(isolated_paths):
    failing = python("import sys; sys.exit(3)")  # proves the command is not run when not needed
    path = settings_file(isolated_paths, client_secret=SECRET, client_secret_command=failing)
    assert (
        load_settings(path, env={"SAKARI_CLIENT_SECRET": "from-env-secret"}).sakari.client_secret == "from-env-secret"
    )
    assert load_settings(path, env={}).sakari.client_secret == SECRET
    path = settings_file(isolated_paths, client_secret_command=failing)
    assert (
        load_settings(path, env={"SAKARI_CLIENT_SECRET": "from-env-secret"}).sakari.client_secret == "from-env-secret"
    )
    assert load_settings(path, env={}, run_secret_command=False).sakari.client_secret is None
    with pytest.raises(ConfigError):
        load_settings(path, env={})


def test_config_path_does_not_run_the_command(isolated_paths, tmp_path, capsys):
    marker = tmp_path / "ran"
    settings_file(isolated_paths, client_secret_command=python(f"open({str(marker)!r}, 'w'); print('x' * 10)"))
    assert cli.main(["config", "path"]) == 0
    assert not marker.exists()


@pytest.mark.parametrize(
    "command, expected",
    [
        ("no-such-program-sakari-test show sakari", "'no-such-program-sakari-test' was not found"),
        (
            python(f"print({SECRET!r}); import sys; sys.stderr.write('gpg: oops ' + {SECRET!r}); sys.exit(2)"),
            "exit status 2",
        ),
        (python("print('   ')"), "printed nothing"),
        (python("pass"), "printed nothing"),
        ('pass show "unclosed', "not a valid command line"),
        ("   ", "is empty"),
    ],
)
def test_command_failures_name_file_and_key_and_nothing_it_printed(isolated_paths, command, expected):
    path = settings_file(isolated_paths, client_secret_command=command)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    message = str(caught.value)
    assert message.startswith(f"{path}: key 'sakari.client_secret_command'") and expected in message
    assert SECRET not in message and "oops" not in message and "\n" not in message


def test_a_hung_command_times_out(isolated_paths, monkeypatch):
    monkeypatch.setattr(config_secret, "SECRET_COMMAND_TIMEOUT_S", 0.3)
    path = settings_file(isolated_paths, client_secret_command=python("import time; time.sleep(30)"))
    with pytest.raises(ConfigError, match=r"sakari\.client_secret_command.*did not finish within 0\.3 seconds"):
        load_settings(path, env={})


def test_a_failing_command_opens_the_explaining_screen(isolated_paths, monkeypatch):
    from sakari_tui.ui.screens import no_config

    shown = {}
    monkeypatch.setattr(no_config.NoConfigApp, "run", lambda self: shown.update(problem=self.problem))
    settings_file(isolated_paths, account_id="a", client_id="b", client_secret_command=python("raise SystemExit(1)"))
    assert cli.main([]) == 2
    assert "sakari.client_secret_command" in shown["problem"]


# --- never in reprs or errors -----------------------------------------------------------------


def test_reprs_hide_the_secret_and_the_command(isolated_paths):
    path = settings_file(isolated_paths, client_secret=SECRET, client_secret_command="pass show sakari-x")
    settings = load_settings(path, env={})
    for text in (repr(settings), str(settings), repr(settings.sakari), str(settings.sakari)):
        assert SECRET not in text and "sakari-x" not in text
    assert SECRET not in repr(settings.sakari.make_client())


@pytest.mark.parametrize(
    "content, env",
    [
        (f'[sakari]\nclient_secret = ["{SECRET}"]\n', {}),
        (f'[sakari]\nclient_secret = {{ value = "{SECRET}" }}\n', {}),
        (f'[sakari]\nclient_secret = "{SECRET}"\nclient_secret_x = "{SECRET}"\n', {}),
        (f'[sakari]\nclient_secret = "{SECRET}\n', {}),
        (f'sakari = "{SECRET}"\n', {}),
        ('sakari = "x"\n', {"SAKARI_CLIENT_SECRET": SECRET}),
        ('[sakari]\napi_url = "nope"\n', {"SAKARI_CLIENT_SECRET": SECRET}),
    ],
)
def test_config_errors_never_quote_the_secret(isolated_paths, content, env):
    path = isolated_paths / "config.toml"
    path.write_text(content)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env=env)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)


# --- the log file -----------------------------------------------------------------------------


def our_handler() -> RotatingFileHandler:
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == logs.HANDLER_NAME]
    return handler


def test_the_log_rotates_in_the_log_dir_and_is_private(isolated_paths):
    path = logs.setup_logging()
    assert path == isolated_paths / "logs" / "sakari-tui.log"
    handler = our_handler()
    assert isinstance(handler, RotatingFileHandler)
    assert (handler.maxBytes, handler.backupCount) == (1_000_000, 3)
    assert logging.getLogger().level == logging.INFO
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_rotation_keeps_three_private_old_files(isolated_paths, monkeypatch):
    monkeypatch.setattr(logs, "MAX_BYTES", 300)
    path = logs.setup_logging()
    for n in range(100):
        logging.getLogger("sakari_tui.test").info("line %d %s", n, "x" * 40)
    logs.stop_logging()
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == ["sakari-tui.log", "sakari-tui.log.1", "sakari-tui.log.2", "sakari-tui.log.3"]
    assert all(stat.S_IMODE(os.stat(p).st_mode) == 0o600 for p in path.parent.iterdir())


def test_setup_twice_keeps_one_handler_and_stop_restores_levels(isolated_paths):
    before = logging.getLogger().level, logging.getLogger("httpx").level
    logs.setup_logging()
    logs.setup_logging(debug=True)
    our_handler()  # exactly one
    assert logging.getLogger().level == logging.DEBUG
    logs.stop_logging()
    assert (logging.getLogger().level, logging.getLogger("httpx").level) == before
    assert not logs.logging_to_file()


@pytest.mark.parametrize(
    "argv, level", [([], logging.INFO), (["--debug"], logging.DEBUG), (["--demo", "--debug"], logging.DEBUG)]
)
def test_debug_flag_sets_the_level_for_inbox_and_demo(isolated_paths, monkeypatch, argv, level):
    seen = []
    monkeypatch.setattr(cli_inbox, "run_inbox", lambda **kw: seen.append(logging.getLogger().level) or 0)
    monkeypatch.setattr(cli_inbox, "run_demo", lambda seed, warnings: seen.append(logging.getLogger().level) or 0)
    assert cli.main(argv) == 0
    assert seen == [level]
    assert "starting" in log_file().read_text()


JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjaWQiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLWJ5dGVz"


@pytest.mark.parametrize(
    "text, hidden",
    [
        (f"client secret is {SECRET}", SECRET),
        ("Authorization: Bearer abcDEF123-._~+/xyz==", "abcDEF123"),
        ("{'authorization': 'bearer opaque-token-value'}", "opaque-token-value"),
        ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpw"),
        (f"token {JWT} expired", "c2lnbmF0dXJl"),
        ('{"access_token": "opaque-123456", "token_type": "Bearer"}', "opaque-123456"),
        ("POST /oauth2/token client_secret=abcdef123456&grant_type=x", "abcdef123456"),
    ],
)
def test_redaction(text, hidden):
    logs.register_secret(SECRET)
    redacted = logs.redact(text)
    assert hidden not in redacted and "***" in redacted


def test_redaction_leaves_ordinary_text_alone():
    logs.register_secret("abc")  # too short to mask without garbling everything
    text = "GET http://api.sakari.io/v1/accounts/abc/conversations sakari_tui.api.client 1.2.3 Bearer"
    assert logs.redact(text) == text


def test_every_logger_is_redacted_including_arguments_and_tracebacks(isolated_paths):
    path = logs.setup_logging(debug=True)
    logs.register_secret(SECRET)
    logs.register_token("opaque-access-token-42")
    logging.getLogger("httpcore.http11").debug("headers %r", {"Authorization": f"Bearer {JWT}"})
    logging.getLogger("some.library").info("token %s", "opaque-access-token-42")
    try:
        raise RuntimeError(f"failed with {SECRET}")
    except RuntimeError:
        logging.getLogger("sakari_tui").exception("stack %s", "here", stack_info=True)
    logs.stop_logging()
    text = path.read_text()
    assert SECRET not in text and JWT[:20] not in text and "opaque-access-token-42" not in text
    assert "RuntimeError: failed with ***" in text and "Traceback" in text and "Stack (most recent call last)" in text


def test_a_record_that_cannot_be_formatted_is_kept_without_its_arguments():
    logs.register_secret(SECRET)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "bad format %d for " + SECRET, ("text", SECRET), None)
    assert logs.RedactingFilter().filter(record)
    assert record.getMessage() == "bad format %d for *** (unformattable arguments)"


class RecordingTransport(httpx.AsyncBaseTransport):
    """Real HTTP underneath; remembers every Authorization header sent and token handed out."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.tokens: set[str] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if "authorization" in request.headers:
            self.tokens.add(request.headers["authorization"].split()[-1])
            # the careless debug line a library or a future change might write
            logging.getLogger("careless").debug("sending %s with headers %s", request.url, dict(request.headers))
        response = await self._inner.handle_async_request(request)
        if request.url.path.endswith("/oauth2/token"):
            await response.aread()
            logging.getLogger("careless").debug("token response %s", response.text)
            if response.status_code == 200:
                self.tokens.add(response.json()["access_token"])
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_a_debug_session_against_the_simulator_leaves_no_secret_in_the_log(isolated_paths, sim_clock):
    path = logs.setup_logging(debug=True)
    recorder = RecordingTransport()
    with SimulatorServer(seed=1, clock=sim_clock, customers=False) as server:
        config_path = settings_file(
            isolated_paths,
            account_id=server.account_id,
            client_id=server.client_id,
            client_secret_command=python(f"print({server.client_secret!r})"),
            api_url=server.base_url,
            token_url=server.token_url,
        )
        settings = load_settings(config_path, env={})
        async with settings.sakari.make_client(transport=recorder, clock=sim_clock.now) as client:
            conversation = (await client.fetch_all_conversations(limit=2)).items[0]
            await client.fetch_all_templates(limit=2)
            await client.send_message(template="hello from the secrets test", conversations=[conversation.id])
            sim_clock.advance(server.config.token_ttl + 5)  # the next call needs a new token
            await client.fetch_conversation(conversation.id)
        bad = dataclasses.replace(settings.sakari, client_secret="wrong-" + server.client_secret)
        async with bad.make_client(transport=RecordingTransport()) as client:
            with pytest.raises(SakariError) as refused:
                await client.fetch_all_conversations(limit=1)
            logging.getLogger("sakari_tui").error("refused: %s", refused.value)
    logs.stop_logging()
    text = path.read_text()
    assert len(recorder.tokens) >= 2  # a first token and its renewal
    assert "HTTP Request: POST" in text and "send_request_headers" in text  # httpx and httpcore at DEBUG
    assert server.client_secret not in text
    for token in recorder.tokens:
        assert token not in text and token.rsplit(".", 1)[-1] not in text
    assert "'authorization': 'Bearer ***'" in text and '"access_token":"***"' in text


def test_an_unexpected_error_is_one_sentence_on_screen_and_a_traceback_in_the_log(monkeypatch, isolated_paths, capsys):
    def explode(**kwargs):
        raise RuntimeError(f"kaboom near Bearer {JWT}\nsecond line")

    monkeypatch.setattr(cli_inbox, "run_inbox", explode)
    assert cli.main([]) == 1
    err = capsys.readouterr().err
    assert err == f"sakari-tui stopped unexpectedly (RuntimeError); details in {log_file()}\n"
    logs.stop_logging()
    text = log_file().read_text()
    assert "Traceback (most recent call last)" in text and "kaboom" in text and JWT not in text


def test_an_unexpected_error_outside_the_inbox_is_logged_too(monkeypatch, isolated_paths, capsys):
    monkeypatch.setattr(cli_setup, "run_config_init", lambda: 1 / 0)
    assert cli.main(["config", "init"]) == 1
    assert capsys.readouterr().err == f"sakari-tui stopped unexpectedly (ZeroDivisionError); details in {log_file()}\n"
    logs.stop_logging()
    assert "ZeroDivisionError" in log_file().read_text()


def test_an_unwritable_log_dir_is_a_warning_not_a_crash(monkeypatch, tmp_path, app_runs, capsys):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("SAKARI_TUI_LOGS", str(blocker / "logs"))
    settings_file(tmp_path, **FULL)
    assert cli.main([]) == 0
    assert "cannot write the log file" in app_runs[0]["warnings"][0]
    assert "cannot write the log file" in capsys.readouterr().err


def test_an_unexpected_error_without_a_log_file_is_still_one_sentence(monkeypatch, tmp_path, capsys):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("SAKARI_TUI_LOGS", str(blocker / "logs"))
    monkeypatch.setattr(cli_setup, "run_config_init", lambda: 1 / 0)
    assert cli.main(["config", "init"]) == 1
    err = capsys.readouterr().err
    assert err == "sakari-tui stopped unexpectedly (ZeroDivisionError); the log file could not be written\n"
    logs.stop_logging()
    assert not logging.getLogger().handlers or all(
        h.get_name() != logs.HANDLER_NAME for h in logging.getLogger().handlers
    )


PERSONAL = "Sipho Dlamini +27 82 555 0199"


@pytest.mark.parametrize(
    "error",
    [
        lambda: sqlite3_error(),
        lambda: pydantic_error(),
        lambda: ValueError(f"bad row ('conv-1', '{PERSONAL}', 'Is my order ready?')"),
    ],
)
def test_a_crash_never_shows_the_exception_text(monkeypatch, isolated_paths, capsys, error):
    exc = error()
    assert "Sipho" in str(exc) and "0199" in str(exc)

    def explode(**kwargs):
        raise exc

    monkeypatch.setattr(cli_inbox, "run_inbox", explode)
    assert cli.main([]) == 1
    err = capsys.readouterr().err
    assert err == f"sakari-tui stopped unexpectedly ({type(exc).__name__}); details in {log_file()}\n"
    logs.stop_logging()
    assert "Sipho" in log_file().read_text()  # the log (private, 0600) keeps the details


def sqlite3_error():
    import sqlite3

    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE contacts (name TEXT PRIMARY KEY)")
    db.execute("INSERT INTO contacts VALUES (?)", (PERSONAL,))
    try:
        db.execute(f"SELECT [{PERSONAL}] FROM contacts")  # "no such column: Sipho Dlamini +27…"
    except sqlite3.Error as exc:
        return exc
    raise AssertionError("no error")


def pydantic_error():
    from pydantic import BaseModel, ValidationError

    class Contact(BaseModel):
        mobile: int

    try:
        Contact(mobile=PERSONAL)
    except ValidationError as exc:
        return exc
    raise AssertionError("no error")


def test_our_own_sentences_are_shown_redacted(isolated_paths):
    from sakari_tui.store import StoreError

    logs.register_secret(SECRET)
    summary = logs.crash_summary(SakariError(f"The API refused the secret {SECRET}.", code="AUTH-1"))
    assert (
        summary
        == "sakari-tui stopped unexpectedly: The API refused the secret ***. (AUTH-1); the log file could not be written"
    )
    assert logs.crash_summary(StoreError("The local inbox was made by a newer sakari-tui.\nupgrade")) == (
        "sakari-tui stopped unexpectedly: The local inbox was made by a newer sakari-tui. upgrade; "
        "the log file could not be written"
    )
    assert logs.crash_summary(ConfigError("x.toml: key 'a': bad.")).startswith(
        "sakari-tui stopped unexpectedly: x.toml: key 'a': bad;"
    )
    path = logs.setup_logging()
    assert logs.crash_summary(KeyError(PERSONAL)) == f"sakari-tui stopped unexpectedly (KeyError); details in {path}"


@pytest.mark.parametrize("exc", [KeyboardInterrupt, SystemExit])
def test_interrupts_and_exits_pass_through(monkeypatch, exc):
    def stop(**kwargs):
        raise exc()

    monkeypatch.setattr(cli_inbox, "run_inbox", stop)
    with pytest.raises(exc):
        cli.main([])


def test_a_secret_command_in_a_file_others_can_change_is_never_run(monkeypatch, tmp_path, capsys):
    from sakari_tui.cli import inbox

    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    ran = tmp_path / "ran"
    config = folder / "config.toml"
    config.write_text(
        f'[sakari]\naccount_id = "a"\nclient_id = "c"\nclient_secret_command = "touch {ran}"\n', encoding="utf-8"
    )
    config.chmod(0o600)
    monkeypatch.setenv("SAKARI_TUI_CONFIG", str(config))
    for name in ("SAKARI_CLIENT_SECRET", "SAKARI_ACCOUNT_ID", "SAKARI_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    assert inbox.run_inbox(strict_perms=False) == 2
    assert not ran.exists()
    assert "does not run its client_secret_command" in capsys.readouterr().err
