"""Shared fixtures: every test runs away from the real home directory and environment."""

from __future__ import annotations

import pytest

SAKARI_ENV = (
    "SAKARI_ACCOUNT_ID",
    "SAKARI_CLIENT_ID",
    "SAKARI_CLIENT_SECRET",
    "SAKARI_API_URL",
    "SAKARI_TOKEN_URL",
)


@pytest.fixture(autouse=True)
def isolated_paths(tmp_path, monkeypatch):
    """Point config, data and logs at tmp_path and drop any real credentials from the environment."""
    for name in SAKARI_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SAKARI_TUI_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("SAKARI_TUI_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("SAKARI_TUI_LOGS", str(tmp_path / "logs"))
    return tmp_path
