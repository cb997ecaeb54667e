"""The terminal-graphics probe and the choice of picture widget (ui/graphics.py).

Tests never run on a terminal of their own: `_on_a_terminal` and `_stdout_is_terminal` say what a
terminal would, and `_probe_terminal` stands for textual-image's queries."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest
import textual_image.widget as image_widgets
from textual_image.widget import HalfcellImage

from sakari_tui.ui import graphics
from sakari_tui.ui.graphics import PREVIEW_MODES, GraphicsProbe, graphics_for, image_widget_class, preview_mode


@pytest.fixture
def no_terminal(monkeypatch):
    monkeypatch.setattr(graphics, "_on_a_terminal", lambda: False)
    monkeypatch.setattr(graphics, "_stdout_is_terminal", lambda: False)


@pytest.fixture
def terminal(monkeypatch):
    """A terminal for the probe; the widget import stays safe (textual-image is already loaded here)."""
    monkeypatch.setattr(graphics, "_on_a_terminal", lambda: True)
    probes = []
    monkeypatch.setattr(graphics, "_probe_terminal", lambda: probes.append("probed"))
    return probes


def test_the_modes():
    assert PREVIEW_MODES == ("auto", "halfcell", "off")


@pytest.mark.parametrize("probe", [None, "started"])
def test_off_means_no_widget(terminal, probe):
    started = GraphicsProbe.start("off") if probe else None
    assert image_widget_class("off", started) is None


def test_off_never_probes(terminal):
    probe = GraphicsProbe.start("off")
    probe.wait()
    assert terminal == [] and not probe.started and not probe.detected


@pytest.mark.parametrize("mode", ["auto", "halfcell"])
def test_without_a_terminal_nothing_starts_and_pictures_use_half_cells(no_terminal, monkeypatch, mode):
    monkeypatch.setattr(graphics, "_probe_terminal", lambda: pytest.fail("probed without a terminal"))
    probe = GraphicsProbe.start(mode)
    assert not probe.started
    probe.wait()
    assert not probe.detected
    assert image_widget_class(mode, probe) is HalfcellImage
    assert image_widget_class(mode, None) is HalfcellImage


def test_on_a_terminal_auto_uses_what_the_probe_found(terminal):
    probe = GraphicsProbe.start("auto")
    assert probe.started
    probe.wait()
    assert terminal == ["probed"] and probe.detected
    assert image_widget_class("auto", probe) is image_widgets.Image
    assert probe.widget_class() is image_widgets.Image


def test_halfcell_is_half_cells_even_when_the_terminal_can_do_more(terminal):
    probe = GraphicsProbe.start("halfcell")
    probe.wait()
    assert image_widget_class("halfcell", probe) is HalfcellImage


def test_a_probe_nobody_waited_for_is_not_trusted(terminal):
    """Answers that may have arrived after Textual started are not answers: half cells."""
    probe = GraphicsProbe.start("auto")
    assert image_widget_class("auto", probe) is HalfcellImage
    probe.wait()


def test_a_failed_probe_never_raises_and_means_half_cells(monkeypatch):
    monkeypatch.setattr(graphics, "_on_a_terminal", lambda: True)
    attempts = []

    def broken() -> None:
        attempts.append(1)
        raise UnicodeDecodeError("utf-8", b"\xc3", 0, 1, "a key pressed during the query")

    monkeypatch.setattr(graphics, "_probe_terminal", broken)
    probe = GraphicsProbe.start("auto")
    probe.wait()  # does not raise
    assert attempts == [1, 1]  # tried again once: a key typed during the query is a passing failure
    assert not probe.detected
    assert image_widget_class("auto", probe) is HalfcellImage


def test_a_terminal_without_a_cell_size_still_gets_pictures(monkeypatch):
    """A pty that reports 0×0 makes textual-image divide by zero: its default cell is cached instead."""
    import textual_image._terminal as terminal_module

    def no_cell_size():
        if hasattr(no_cell_size, "_result"):
            return no_cell_size._result
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(terminal_module, "get_cell_size", no_cell_size)
    monkeypatch.setattr(graphics, "_on_a_terminal", lambda: True)
    monkeypatch.setattr(graphics, "_stdout_is_terminal", lambda: True)
    probe = GraphicsProbe.start("auto")
    probe.wait()
    assert no_cell_size._result == (10, 20)
    assert image_widget_class("halfcell", probe) is HalfcellImage
    assert image_widget_class("auto", probe) is image_widgets.Image


def test_after_textual_started_on_a_terminal_textual_image_is_never_first_imported(monkeypatch):
    """Its first import would query the terminal under Textual: no widget rather than that."""
    monkeypatch.setattr(graphics, "_stdout_is_terminal", lambda: True)
    monkeypatch.delitem(sys.modules, "textual_image.renderable")
    monkeypatch.setattr(graphics, "_image_widgets", lambda: pytest.fail("imported textual-image"))
    assert image_widget_class("auto", None) is None
    assert image_widget_class("halfcell", None) is None


def test_textual_image_missing_means_no_widget(no_terminal, monkeypatch):
    def missing():
        raise ImportError("No module named 'textual_image'")

    monkeypatch.setattr(graphics, "_image_widgets", missing)
    assert image_widget_class("auto", None) is None


@pytest.mark.parametrize(
    ("settings", "mode"),
    [
        (SimpleNamespace(), "auto"),  # before the [attachments] section exists
        (SimpleNamespace(attachments=None), "auto"),
        (SimpleNamespace(attachments=SimpleNamespace()), "auto"),
        (SimpleNamespace(attachments=SimpleNamespace(preview="off")), "off"),
        (SimpleNamespace(attachments=SimpleNamespace(preview="halfcell")), "halfcell"),
        (SimpleNamespace(attachments=SimpleNamespace(preview="sixel")), "auto"),
    ],
)
def test_the_mode_comes_from_the_settings(settings, mode):
    assert preview_mode(settings) == mode


def test_graphics_for_starts_the_probe_in_the_settings_mode(no_terminal):
    probe = graphics_for(SimpleNamespace(attachments=SimpleNamespace(preview="halfcell")))
    assert isinstance(probe, GraphicsProbe) and probe.mode == "halfcell" and not probe.started


def test_the_first_preview_asks_with_the_app_stepped_aside(terminal):
    import contextlib

    steps = []

    class App:
        @contextlib.contextmanager
        def suspend(self):
            steps.append("aside")
            yield
            steps.append("back")

    probe = graphics.probe_while_suspended(App(), "auto")
    assert steps == ["aside", "back"] and terminal == ["probed"] and probe.detected


def test_without_a_way_to_step_aside_nothing_is_asked(terminal):
    from textual.app import SuspendNotSupported

    class App:
        def suspend(self):
            raise SuspendNotSupported("headless")

    assert graphics.probe_while_suspended(App(), "auto") is None and terminal == []
    assert graphics.probe_while_suspended(App(), "off") is None
