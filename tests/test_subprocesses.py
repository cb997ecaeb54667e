"""Every program sakari-tui starts gets an environment without our credentials (issue 10, point 16)."""

from __future__ import annotations

import json
import os
import shlex
import stat
import sys
from pathlib import Path

import pytest

from sakari_tui.config import ENV_KEYS, NotificationsSection, SakariSection, load_settings, secret_from_command
from sakari_tui.editor import edit_text
from sakari_tui.notify.notifier import NewMessage, Notifier, run_command
from sakari_tui.subprocesses import child_environment, is_credential_variable

SECRET = "s3cret-in-the-environment-0123456789"
CREDENTIALS = {"SAKARI_CLIENT_SECRET": SECRET, "SAKARI_CLIENT_ID": "client-id-42", "SAKARI_ACCOUNT_ID": "account-42"}


@pytest.fixture
def credentials_in_env(monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CHILD_ENV_TEST_KEPT", "kept")


def env_dumper(tmp_path: Path, name: str = "dump") -> tuple[Path, Path]:
    """An executable that writes its environment as JSON to a file (and prints a line), and that file."""
    out = tmp_path / f"{name}.json"
    script = tmp_path / name
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os\n"
        f"with open({str(out)!r}, 'w', encoding='utf-8') as handle:\n"
        "    json.dump(dict(os.environ), handle)\n"
        "print('printed-secret-value')\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, out


def assert_no_credentials(dumped: Path) -> dict[str, str]:
    env = json.loads(dumped.read_text(encoding="utf-8"))
    assert not [
        name
        for name in env
        if name.startswith("SAKARI_") and not name.startswith("SAKARI_TUI_") and name not in HOOK_VARIABLES
    ]
    assert SECRET not in json.dumps(env)
    assert env["CHILD_ENV_TEST_KEPT"] == "kept" and env["PATH"] == os.environ["PATH"]
    return env


HOOK_VARIABLES = {"SAKARI_CONTACT_NAME", "SAKARI_CONTACT_NUMBER", "SAKARI_CONVERSATION_ID", "SAKARI_MESSAGE_TEXT"}


def new_text() -> NewMessage:
    return NewMessage(contact_name="Ana", number="+15551230001", conversation_id="conv-1", text="hello")


# --- the function ------------------------------------------------------------------------------


def test_credentials_go_and_everything_else_stays():
    base = {
        **CREDENTIALS,
        "SAKARI_API_URL": "http://x",
        "PATH": "/bin",
        "HOME": "/home/a",
        "TERM": "xterm",
        "DISPLAY": ":0",
        "LANG": "C.UTF-8",
        "GNUPGHOME": "/g",
        "SAKARI_TUI_CONFIG": "/c.toml",
    }
    env = child_environment(base=base)
    assert env == {
        "PATH": "/bin",
        "HOME": "/home/a",
        "TERM": "xterm",
        "DISPLAY": ":0",
        "LANG": "C.UTF-8",
        "GNUPGHOME": "/g",
        "SAKARI_TUI_CONFIG": "/c.toml",
    }
    assert child_environment({"SAKARI_MESSAGE_TEXT": "hi"}, base=base)["SAKARI_MESSAGE_TEXT"] == "hi"


def test_every_credential_config_reads_from_the_environment_is_dropped():
    credential_fields = {"account_id", "client_id", "client_secret"}
    read = [name for name, (_, field) in ENV_KEYS.items() if field in credential_fields]
    assert len(read) == 3 and all(is_credential_variable(name) for name in read)
    assert all(getattr(SakariSection(), field) is None for field in credential_fields)


def test_it_reads_this_process_environment_by_default(credentials_in_env):
    env = child_environment()
    assert "SAKARI_CLIENT_SECRET" not in env and env["CHILD_ENV_TEST_KEPT"] == "kept"


# --- each child process --------------------------------------------------------------------------


async def test_the_desktop_notifier_does_not_inherit_the_secret(credentials_in_env, tmp_path):
    program, dumped = env_dumper(tmp_path, "notify-send")
    notifier = Notifier(NotificationsSection(desktop=True), which=lambda name: str(program), platform="linux")
    assert await notifier.notify(new_text()) == []
    assert_no_credentials(dumped)


async def test_a_summary_notification_does_not_inherit_the_secret(credentials_in_env, tmp_path):
    program, dumped = env_dumper(tmp_path, "notify-send")
    notifier = Notifier(NotificationsSection(desktop=True), which=lambda name: str(program), platform="linux")
    assert await notifier.notify_desktop("3 new texts", "and more") == []
    assert_no_credentials(dumped)


async def test_the_hook_keeps_its_message_variables_and_not_the_secret(credentials_in_env, tmp_path):
    program, dumped = env_dumper(tmp_path, "hook")
    notifier = Notifier(NotificationsSection(on_message=shlex.quote(str(program))))
    assert await notifier.notify(new_text()) == []
    env = assert_no_credentials(dumped)
    assert env["SAKARI_MESSAGE_TEXT"] == "hello" and env["SAKARI_CONTACT_NAME"] == "Ana"


async def test_run_command_without_an_environment_still_scrubs(credentials_in_env, tmp_path):
    program, dumped = env_dumper(tmp_path)
    assert await run_command([str(program)], env=None, timeout=30, what="test") is None
    assert_no_credentials(dumped)


def test_the_editor_does_not_inherit_the_secret(credentials_in_env, tmp_path):
    program, dumped = env_dumper(tmp_path, "editor")
    result = edit_text("draft", [str(program)])
    assert result.error is None and result.text == "draft"
    assert_no_credentials(dumped)


def test_the_secret_command_does_not_inherit_the_other_credentials(credentials_in_env, tmp_path, monkeypatch):
    monkeypatch.delenv("SAKARI_CLIENT_SECRET")  # else the command would not be needed
    program, dumped = env_dumper(tmp_path, "secret")
    assert secret_from_command(shlex.quote(str(program)), tmp_path / "config.toml") == "printed-secret-value"
    assert_no_credentials(dumped)


def test_load_settings_gives_the_command_the_environment_it_was_given(tmp_path):
    program, dumped = env_dumper(tmp_path, "secret")
    config = tmp_path / "config.toml"
    config.write_text(f"[sakari]\nclient_secret_command = {json.dumps(shlex.quote(str(program)))}\n")
    env = {"PATH": os.environ["PATH"], "CHILD_ENV_TEST_KEPT": "kept", "SAKARI_ACCOUNT_ID": "account-42"}
    settings = load_settings(config, env)
    assert settings.sakari.client_secret == "printed-secret-value" and settings.sakari.account_id == "account-42"
    assert_no_credentials(dumped)


def test_every_process_started_in_the_package_is_given_an_environment():
    """A new subprocess call without env= would inherit the secret again: this finds it."""
    import ast

    import sakari_tui

    starters = {
        "subprocess": {"run", "Popen", "call", "check_call", "check_output", "getoutput", "getstatusoutput"},
        "asyncio": {"create_subprocess_exec", "create_subprocess_shell"},
        "os": {
            "system",
            "popen",
            "posix_spawn",
            "posix_spawnp",
            "spawnv",
            "spawnve",
            "spawnvp",
            "spawnvpe",
            "execv",
            "execve",
            "execvp",
            "execvpe",
            "execl",
            "execle",
            "execlp",
            "execlpe",
        },
    }
    package = Path(sakari_tui.__file__).parent
    found, without_env = [], []
    for module in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                if isinstance(owner, ast.Name) and node.func.attr in starters.get(owner.id, ()):
                    where = f"{module.relative_to(package)}:{node.lineno}"
                    found.append(where)
                    if not any(keyword.arg == "env" for keyword in node.keywords):
                        without_env.append(where)
    assert len(found) == 3 and without_env == []  # the notifier/hook, the editor, client_secret_command
