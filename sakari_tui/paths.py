"""Where sakari-tui keeps its files, per platform (via platformdirs), with overrides for tests."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "sakari-tui"


def _dirs() -> PlatformDirs:
    return PlatformDirs(APP_NAME, appauthor=False)


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """The settings file: `SAKARI_TUI_CONFIG`, else `<config dir>/sakari-tui/config.toml`."""
    env = os.environ if env is None else env
    override = env.get("SAKARI_TUI_CONFIG")
    if override:
        return Path(override).expanduser()
    return Path(_dirs().user_config_dir) / "config.toml"


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The local store's folder: `SAKARI_TUI_DATA`, else the platform data dir."""
    env = os.environ if env is None else env
    override = env.get("SAKARI_TUI_DATA")
    return Path(override).expanduser() if override else Path(_dirs().user_data_dir)


def log_dir(env: Mapping[str, str] | None = None) -> Path:
    """The log folder: `SAKARI_TUI_LOGS`, else the platform log dir."""
    env = os.environ if env is None else env
    override = env.get("SAKARI_TUI_LOGS")
    return Path(override).expanduser() if override else Path(_dirs().user_log_dir)


def log_file(env: Mapping[str, str] | None = None) -> Path:
    """The current log file, `<log dir>/sakari-tui.log` (older ones get .1, .2, .3 on rotation)."""
    return log_dir(env) / "sakari-tui.log"
