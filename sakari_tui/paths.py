"""Where sakari-tui keeps its files, per platform (via platformdirs), with overrides for tests."""

from __future__ import annotations

import contextlib
import os
import stat
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


PRIVATE_DIR_MODE = 0o700


def secure_store_folder(store_path: Path, env: Mapping[str, str] | None = None) -> None:
    """Create a store's folder (and its missing parents) 0700; make the data folder and every
    folder from it down to the store's private, as the log's folder is (the store holds the same
    texts, names and numbers).

    Folders outside the data folder that exist already are left as they are: a store given by
    path may sit in a folder shared on purpose (a tmp dir, say), whose mode is not ours to change.
    """
    folder = Path(store_path).parent
    missing: list[Path] = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            new.mkdir(mode=PRIVATE_DIR_MODE)
    top = data_dir(env).resolve()
    mine = Path(store_path).parent.resolve()
    if not mine.is_relative_to(top):
        return
    while True:
        mode = stat.S_IMODE(mine.stat().st_mode)
        if mode & 0o077:
            with contextlib.suppress(PermissionError):  # not the owner: SQLite will still open it
                os.chmod(mine, mode & ~0o077)
        if mine == top:
            return
        mine = mine.parent
