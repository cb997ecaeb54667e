"""The opener: only web links, no shell, detached, and without our credentials."""

from __future__ import annotations

import subprocess

import pytest

from sakari_tui.media.attachments import attachment_from_media
from sakari_tui.media.fetch import MediaError
from sakari_tui.media.opener import open_link, opener_command

from ..support.hostile import HOSTILE


class FakeRun:
    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[tuple[list[str], dict]] = []
        self.error = error

    def __call__(self, argv, **options):
        self.calls.append((argv, options))
        if self.error:
            raise self.error


def found(name):
    return f"/usr/bin/{name}"


def link(url):
    return attachment_from_media({"url": url, "name": "damaged-box.png"})


@pytest.mark.parametrize(
    ("platform", "argv"),
    [
        ("linux", ["xdg-open", "https://h.example/a"]),
        ("freebsd14", ["xdg-open", "https://h.example/a"]),
        ("openbsd7", ["xdg-open", "https://h.example/a"]),
        ("darwin", ["open", "https://h.example/a"]),
        ("win32", ["explorer", "https://h.example/a"]),
    ],
)
def test_opener_command(platform, argv):
    assert opener_command("https://h.example/a", platform) == argv


def test_open_link_runs_the_opener_detached_without_credentials(monkeypatch):
    monkeypatch.setenv("SAKARI_CLIENT_SECRET", "hunter2")
    monkeypatch.setenv("SAKARI_CLIENT_ID", "client")
    monkeypatch.setenv("SAKARI_TUI_DATA", "/tmp/data")
    monkeypatch.setenv("DISPLAY", ":0")
    run = FakeRun()
    open_link(link("https://media.example/a.png?x=1&y=2"), run=run, platform="linux", which=found)
    [(argv, options)] = run.calls
    assert argv == ["/usr/bin/xdg-open", "https://media.example/a.png?x=1&y=2"]
    assert options["stdin"] == options["stdout"] == options["stderr"] == subprocess.DEVNULL
    assert options["start_new_session"] is True
    assert options.get("shell", False) is False
    environment = options["env"]
    assert "SAKARI_CLIENT_SECRET" not in environment and "SAKARI_CLIENT_ID" not in environment
    assert environment["SAKARI_TUI_DATA"] == "/tmp/data" and environment["DISPLAY"] == ":0"


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("file:///etc/passwd", "sakari-tui opens only http and https links; this one is a file: link."),
        ("javascript:alert(1)", "sakari-tui opens only http and https links; this one is a javascript: link."),
        (
            "data:text/html,<script>alert(1)</script>",
            "sakari-tui opens only http and https links; this one is a data: link.",
        ),
        ("-https://media.example/a", "sakari-tui opens only http and https links; this one is not a web link."),
        ("--help", "sakari-tui opens only http and https links; this one is not a web link."),
        (
            "https://bank.example@evil.test/",
            "sakari-tui opens only http and https links; this one carries a user name before its host.",
        ),
        ("", "sakari-tui opens only http and https links; this one has no link."),
    ],
)
def test_open_link_refuses_anything_but_web_links(url, sentence):
    run = FakeRun()
    lookups = []
    with pytest.raises(MediaError) as raised:
        open_link(link(url), run=run, platform="linux", which=lambda name: lookups.append(name) or found(name))
    assert str(raised.value) == sentence
    assert run.calls == [] and lookups == []


@pytest.mark.parametrize("key", sorted(HOSTILE))
def test_hostile_links_never_reach_the_opener_raw(key):
    attachment = attachment_from_media({"url": HOSTILE[key], "name": "x"})
    run = FakeRun()
    assert not attachment.openable  # none is a bare web link ("see https://evil.test/plain …" has spaces)
    with pytest.raises(MediaError):
        open_link(attachment, run=run, which=found)
    assert run.calls == []


def test_a_missing_opener():
    run = FakeRun()
    with pytest.raises(MediaError) as raised:
        open_link(link("https://media.example/a"), run=run, platform="linux", which=lambda name: None)
    assert str(raised.value) == "No program to open links was found (xdg-open)."
    assert run.calls == []


def test_an_opener_that_cannot_start():
    run = FakeRun(PermissionError(13, "Permission denied"))
    with pytest.raises(MediaError) as raised:
        open_link(link("https://media.example/a"), run=run, platform="darwin", which=found)
    assert str(raised.value) == "Could not start open to open the link."
