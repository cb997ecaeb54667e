"""The scripting commands' tests: the simulator's account in the environment, as a cron job's
would be (quiet hours off unless a test turns them on)."""

from __future__ import annotations

import pytest

from ..support.scripting import write_settings


@pytest.fixture
def account(server, monkeypatch):
    """The simulator's account in the environment; quiet hours off unless a test turns them on."""
    for name, value in (
        ("SAKARI_ACCOUNT_ID", server.account_id),
        ("SAKARI_CLIENT_ID", server.client_id),
        ("SAKARI_CLIENT_SECRET", server.client_secret),
        ("SAKARI_API_URL", server.base_url),
        ("SAKARI_TOKEN_URL", server.token_url),
    ):
        monkeypatch.setenv(name, value)
    write_settings("[compose]\nquiet_hours = false\n")
    return server
