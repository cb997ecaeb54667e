"""Whole-screen snapshots of the main screens at 120×40 and 80×24 (deterministic scenes)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from devtools.scenes import SCENES, scene_app, scene_server
from sakari_tui.ui.screens.no_config import NoConfigApp

SIZES = [(120, 40), (80, 24)]


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="module")
def frozen_server():
    with scene_server() as server:
        yield server


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scene", list(SCENES))
def test_scene(snap_compare, frozen_server, scene, size):
    app = scene_app(frozen_server)
    try:
        assert snap_compare(app, terminal_size=size, run_before=SCENES[scene])
    finally:
        app.store.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_config_screen(snap_compare, size):
    app = NoConfigApp(Path("/home/you/.config/sakari-tui/config.toml"), ["account_id", "client_id", "client_secret"])
    assert snap_compare(app, terminal_size=size)
