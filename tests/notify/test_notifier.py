"""New-text notifications: hostile text cannot reach the terminal raw, the hook runs without a shell."""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
import time
from pathlib import Path

import pytest

from sakari_tui.config import NotificationsSection
from sakari_tui.notify.notifier import BODY_LIMIT, HIDDEN_TEXT, NewMessage, Notifier, scrub
from tests.support.hostile import HOSTILE

# What must never be inside an OSC payload: C0 and C1 controls (ESC, BEL, ST 0x9c, CSI 0x9b,
# line breaks…), DEL, bidi overrides and isolates, lone surrogates.
FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")

EVIL = "Mallory\x1b]52;c;ZXZpbA==\x07; \x9c\x9b2J\u202egpj.exe\nsecond line"


def event(text="Is my order ready?", name="Ana Silva", number="+15551230001", cid="conv-1"):
    return NewMessage(contact_name=name, number=number, conversation_id=cid, text=text)


def notifier(which=None, run=None, **settings):
    options = {} if run is None else {"run": run}
    return Notifier(NotificationsSection(**settings), which=which or (lambda name: None), **options)


class Recorder:
    """A stand-in for run_command that records what would have been run."""

    def __init__(self, result=None):
        self.calls = []
        self.result = result

    async def __call__(self, argv, *, env, timeout, what):
        self.calls.append({"argv": list(argv), "env": env, "timeout": timeout, "what": what})
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result


# --- terminal sequences ----------------------------------------------------------------------


def test_osc9_and_osc777_shapes():
    assert notifier(terminal="osc9").terminal_sequence("Ana", "hi") == "\x1b]9;Ana: hi\x07"
    assert notifier(terminal="osc777").terminal_sequence("Ana", "hi") == "\x1b]777;notify;Ana;hi\x07"
    assert notifier(terminal="off").terminal_sequence("Ana", "hi") == ""


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("kind", ["osc9", "osc777"])
def test_hostile_text_cannot_escape_the_osc_string(kind, name):
    payload = HOSTILE[name]
    sequence = notifier(terminal=kind).terminal_sequence(payload, payload)
    prefix = "\x1b]9;" if kind == "osc9" else "\x1b]777;notify;"
    assert sequence.startswith(prefix) and sequence.endswith("\x07")
    inner = sequence[len(prefix) : -1]
    assert not FORBIDDEN.search(inner), repr(inner)
    # Exactly the fields we put there: no separator smuggled in.
    assert inner.count(";") == (1 if kind == "osc777" else 0)
    assert len(inner) <= 2 * BODY_LIMIT


def test_the_specific_escapes_are_gone_and_the_words_stay():
    sequence = notifier(terminal="osc777").terminal_sequence(EVIL, EVIL)
    inner = sequence[len("\x1b]777;notify;") : -1]
    for bad in ("\x1b", "\x07", "\x9c", "\x9b", "\n", "\u202e"):
        assert bad not in inner
    title, body = inner.split(";")
    assert "Mallory" in title and "second line" in body  # newline became a space
    assert "]52,c,ZXZpbA==" in body  # harmless text once its ESC is gone


def test_osc9_text_cannot_become_a_conemu_progress_command():
    assert notifier(terminal="osc9").terminal_sequence("", "4;1;50") == "\x1b]9;4,1,50\x07"


def test_long_text_is_cut():
    sequence = notifier(terminal="osc9").terminal_sequence("A" * 1000, "B" * 5000)
    assert len(sequence) <= BODY_LIMIT + len("\x1b]9;\x07")


def test_show_text_off_hides_the_message_but_not_the_sender():
    quiet = notifier(terminal="osc777", show_text=False)
    assert quiet.terminal_sequence_for(event("secret code 1234")) == f"\x1b]777;notify;Ana Silva;{HIDDEN_TEXT}\x07"
    loud = notifier(terminal="osc777")
    assert "secret code 1234" in loud.terminal_sequence_for(event("secret code 1234"))


def test_title_falls_back_to_the_number():
    assert notifier().title_for(event(name="\x1b\x07")) == "+15551230001"


def test_scrub_is_the_shared_sanitiser_plus_separator():
    assert scrub("a;b\x1b[31m\u202ec\r\nd", 100) == "a,b[31m\ufffdc d"


# --- desktop ---------------------------------------------------------------------------------


async def test_desktop_uses_notify_send_argv_when_found():
    run = Recorder()
    found = notifier(which=lambda name: f"/usr/bin/{name}", run=run, desktop=True)
    assert found.desktop_available and found.startup_problems == []
    assert await found.notify(event("<a href='https://evil.test'>tap</a> & -u critical")) == []
    (call,) = run.calls
    assert call["argv"] == [
        "/usr/bin/notify-send",
        "--app-name=sakari-tui",
        "--",
        "Ana Silva",
        "&lt;a href='https://evil.test'&gt;tap&lt;/a&gt; &amp; -u critical",
    ]


async def test_desktop_argv_is_scrubbed_and_hides_text_when_asked():
    run = Recorder()
    found = notifier(which=lambda name: "/usr/bin/notify-send", run=run, desktop=True, show_text=False)
    await found.notify(event("the code is 1234", name="-u critical\x1b]0;x\x07"))
    argv = run.calls[0]["argv"]
    assert argv[3] == "-u critical]0,x" and argv[4] == HIDDEN_TEXT
    assert not any(FORBIDDEN.search(part) for part in argv)


async def test_desktop_on_macos_passes_text_as_arguments_not_script():
    run = Recorder()
    mac = Notifier(
        NotificationsSection(desktop=True), which=lambda name: "/usr/bin/osascript", run=run, platform="darwin"
    )
    text = 'hi" & (do shell script "touch /tmp/pwned") & "'
    await mac.notify(event(text, name="-e"))
    argv = run.calls[0]["argv"]
    assert argv[0] == "/usr/bin/osascript"
    script = [argv[i + 1] for i, part in enumerate(argv) if part == "-e" and i < 7]
    assert all("touch" not in line and "Ana" not in line for line in script)
    assert "item 3 of argv" in script[1] and "item 2 of argv" in script[1]
    assert argv[-3:] == ["sakari-tui", "-e", text.replace(";", ",")]


async def test_no_notifier_found_means_nothing_runs_and_one_startup_sentence():
    run = Recorder()
    absent = notifier(which=lambda name: None, run=run, desktop=True)
    assert not absent.desktop_available
    assert await absent.notify(event()) == [] and run.calls == []
    (problem,) = absent.startup_problems
    assert "no notifier was found" in problem and problem.count(". ") == 0 and "\n" not in problem


async def test_desktop_off_runs_nothing_even_when_available():
    run = Recorder()
    off = notifier(which=lambda name: "/usr/bin/notify-send", run=run, desktop=False)
    assert off.desktop_available and off.startup_problems == []
    assert await off.notify(event()) == [] and run.calls == []


async def test_a_runner_that_raises_becomes_a_sentence():
    run = Recorder(result=RuntimeError("boom\nsecond line"))
    found = notifier(which=lambda name: "/usr/bin/notify-send", run=run, desktop=True)
    (problem,) = await found.notify(event())
    assert problem == "A notification failed (RuntimeError: boom second line)."


async def test_desktop_failure_is_reported():
    run = Recorder(result="The desktop notifier notify-send: the command failed (exit status 1).")
    found = notifier(which=lambda name: "/usr/bin/notify-send", run=run, desktop=True)
    assert await found.notify(event()) == ["The desktop notifier notify-send: the command failed (exit status 1)."]
    assert run.calls[0]["what"] == "The desktop notifier notify-send"


# --- the on_message hook ---------------------------------------------------------------------


def hook_script(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "hook.py"
    script.write_text(body)
    return script


def hook_command(script: Path, *args: str) -> str:
    return shlex.join([sys.executable, str(script), *args])


DUMP = """
import json, os, sys
names = ["SAKARI_CONTACT_NAME", "SAKARI_CONTACT_NUMBER", "SAKARI_CONVERSATION_ID", "SAKARI_MESSAGE_TEXT"]
out = {name: os.environ.get(name) for name in names}
out["argv"] = sys.argv[1:]
out["stdin"] = sys.stdin.read()
out["inherited"] = os.environ.get("NOTIFY_TEST_INHERITED")
with open(sys.argv[1], "w", encoding="utf-8") as handle:
    json.dump(out, handle)
print("noise on stdout"); print("noise on stderr", file=sys.stderr)
"""


async def test_hook_gets_the_message_in_env_and_no_shell_runs_it(tmp_path, monkeypatch):
    monkeypatch.setenv("NOTIFY_TEST_INHERITED", "yes")
    marker = tmp_path / "pwned"
    payload = f"$(touch {marker}) `touch {marker}`; rm -rf {tmp_path}/nothing | cat && echo\x00 hi \u202e \U0001f44d"
    out = tmp_path / "out.json"
    hooked = Notifier(
        NotificationsSection(
            on_message=hook_command(hook_script(tmp_path, DUMP), str(out), "$HOME", ";", "*"), hook_text="raw"
        ),
    )
    assert await hooked.notify(event(payload, name="Zoë; rm -rf /", number="+44 7700 900123", cid="c-9")) == []
    seen = json.loads(out.read_text(encoding="utf-8"))
    assert seen == {
        "SAKARI_CONTACT_NAME": "Zoë; rm -rf /",
        "SAKARI_CONTACT_NUMBER": "+44 7700 900123",
        "SAKARI_CONVERSATION_ID": "c-9",
        "SAKARI_MESSAGE_TEXT": payload.replace("\x00", ""),
        "argv": [str(out), "$HOME", ";", "*"],  # no shell: no expansion, no globbing
        "stdin": "",
        "inherited": "yes",
    }
    assert not marker.exists()


async def test_hook_failure_is_one_sentence(tmp_path):
    hooked = Notifier(NotificationsSection(on_message=hook_command(hook_script(tmp_path, "raise SystemExit(3)"))))
    assert await hooked.notify(event()) == ["notifications.on_message: the command failed (exit status 3)."]


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")  # a zombie waiting for its (re)parent is dead too


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
async def test_hook_is_killed_after_the_timeout_with_its_children(tmp_path):
    pids = tmp_path / "pids"
    script = hook_script(
        tmp_path,
        f"""
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
open({str(pids)!r}, "w").write(f"{{os.getpid()}} {{child.pid}}")
time.sleep(60)
""",
    )
    hooked = Notifier(NotificationsSection(on_message=hook_command(script), on_message_timeout=1.0))
    started = time.monotonic()
    problems = await hooked.notify(event())
    assert time.monotonic() - started < 10
    assert problems == ["notifications.on_message: the command did not finish within 1 second and was stopped."]
    hook_pid, child_pid = map(int, pids.read_text().split())
    assert _gone(hook_pid)
    deadline = time.monotonic() + 5
    while not _gone(child_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(child_pid)


async def test_missing_program_is_one_sentence():
    hooked = Notifier(NotificationsSection(on_message="sakari-no-such-program --flag"))
    assert await hooked.notify(event()) == [
        "notifications.on_message: the program 'sakari-no-such-program' was not found; check the command."
    ]


async def test_program_that_is_not_executable_is_one_sentence(tmp_path):
    script = tmp_path / "hook.sh"
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o644)
    (problem,) = await Notifier(NotificationsSection(on_message=shlex.quote(str(script)))).notify(event())
    assert problem.startswith("notifications.on_message: the program") and "permission denied" in problem


async def test_unparsable_hook_is_reported_once_and_not_run():
    hooked = Notifier(NotificationsSection(on_message="notify 'unclosed"))
    (problem,) = hooked.startup_problems
    assert problem.startswith("notifications.on_message is not a valid command line (")
    assert hooked.hook_argv == [] and await hooked.notify(event()) == []


async def test_hook_and_desktop_run_side_by_side(tmp_path):
    run = Recorder()
    both = Notifier(
        NotificationsSection(desktop=True, on_message="my-hook --x", on_message_timeout=7, show_text=False),
        which=lambda name: "/usr/bin/notify-send",
        run=run,
        env={"PATH": "/bin"},
    )
    await both.notify(event("the text"))
    desktop, hook = run.calls
    assert desktop["env"] == {"PATH": "/bin"} and desktop["argv"][-1] == HIDDEN_TEXT  # the scrubbed environment
    assert hook["argv"] == ["my-hook", "--x"] and hook["timeout"] == 7
    assert (
        hook["env"]["PATH"] == "/bin" and hook["env"]["SAKARI_MESSAGE_TEXT"] == "the text"
    )  # show_text is for screens


@pytest.mark.parametrize(
    "hook_text, expected", [("raw", "bad ? half"), ("scrubbed", "bad \N{REPLACEMENT CHARACTER} half")]
)
def test_hook_env_survives_lone_surrogates(hook_text, expected):
    env = Notifier(NotificationsSection(hook_text=hook_text), env={}).hook_env(event("bad \ud800 half"))
    assert env["SAKARI_MESSAGE_TEXT"] == expected
    os.fsencode(env["SAKARI_MESSAGE_TEXT"])


async def test_the_hook_gets_scrubbed_text_by_default(tmp_path):
    out = tmp_path / "out.json"
    hooked = Notifier(NotificationsSection(on_message=hook_command(hook_script(tmp_path, DUMP), str(out))))
    assert hooked.settings.hook_text == "scrubbed"
    assert (
        await hooked.notify(event(EVIL, name="Eve\x1b[2J\x1b]0;pwned\x07", number="+1555\x9b0001", cid="c\x1b-9")) == []
    )
    seen = json.loads(out.read_text(encoding="utf-8"))
    for name in ("SAKARI_CONTACT_NAME", "SAKARI_CONTACT_NUMBER", "SAKARI_CONVERSATION_ID", "SAKARI_MESSAGE_TEXT"):
        assert not FORBIDDEN.search(seen[name].replace("\n", "")), (name, seen[name])
    # The one sanitiser: the words and the line break stay, the introducers go.
    assert seen["SAKARI_MESSAGE_TEXT"] == "Mallory]52;c;ZXZpbA==; 2J\N{REPLACEMENT CHARACTER}gpj.exe\nsecond line"
    assert seen["SAKARI_CONTACT_NAME"] == "Eve[2J]0;pwned" and seen["SAKARI_CONTACT_NUMBER"] == "+15550001"
    assert seen["SAKARI_CONVERSATION_ID"] == "c-9"


def test_raw_hook_text_passes_the_customer_bytes_through():
    env = Notifier(NotificationsSection(hook_text="raw"), env={}).hook_env(event(EVIL, name="Eve\x1b[2J"))
    assert env["SAKARI_MESSAGE_TEXT"] == EVIL and env["SAKARI_CONTACT_NAME"] == "Eve\x1b[2J"


def test_hook_text_accepts_only_scrubbed_or_raw():
    from sakari_tui.config_tables import InvalidSetting

    with pytest.raises(InvalidSetting, match="hook_text: Input should be 'scrubbed' or 'raw'"):
        NotificationsSection(hook_text="sanitised")


def test_the_hook_never_sees_our_credentials():
    notifier = Notifier(
        NotificationsSection(on_message="true"),
        env={"PATH": "/bin", "SAKARI_CLIENT_SECRET": "s3cret", "SAKARI_ACCOUNT_ID": "acc"},
    )
    env = notifier.hook_env(NewMessage("Ann", "+15550100", "c1", "hi"))
    assert env["PATH"] == "/bin" and env["SAKARI_MESSAGE_TEXT"] == "hi"
    assert "SAKARI_CLIENT_SECRET" not in env and "SAKARI_ACCOUNT_ID" not in env
