"""The polling settings: [sync]'s slower paces and [sakari] request_budget, their bounds as one
sentence naming the file and key, and the shared budget every make_client() client gets."""

import pytest

from sakari_tui.api.budget import budget_file
from sakari_tui.config import ConfigError, SakariSection, load_settings
from sakari_tui.paths import data_dir


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def test_defaults_slow_down_unfocused_and_idle():
    sync = load_settings(None, env={}).sync
    assert (sync.unfocused_poll_interval, sync.idle_poll_interval, sync.idle_after) == (30.0, 60.0, 300.0)
    assert sync.slow_polling() == {"unfocused_interval": 30.0, "idle_interval": 60.0, "idle_after": 300.0}


def test_the_keys_are_read_from_the_file(tmp_path):
    path = write(
        tmp_path,
        "[sakari]\nrequest_budget = 120\n[sync]\nunfocused_poll_interval = 45\nidle_poll_interval = 90\nidle_after = 600\n",
    )
    settings = load_settings(path, env={})
    assert settings.sakari.request_budget == 120
    assert settings.sync.slow_polling() == {"unfocused_interval": 45.0, "idle_interval": 90.0, "idle_after": 600.0}


@pytest.mark.parametrize(
    "content, key, problem",
    [
        ("[sync]\nunfocused_poll_interval = 0.5\n", "sync.unfocused_poll_interval", "greater than or equal to 1"),
        ("[sync]\nidle_poll_interval = 7200\n", "sync.idle_poll_interval", "less than or equal to 3600"),
        ("[sync]\nidle_after = 5\n", "sync.idle_after", "greater than or equal to 10"),
        ("[sakari]\nrequest_budget = -1\n", "sakari.request_budget", "greater than or equal to 0"),
        ('[sakari]\nrequest_budget = "lots"\n', "sakari.request_budget", "valid integer"),
    ],
)
def test_out_of_bounds_is_one_sentence_naming_file_and_key(tmp_path, content, key, problem):
    path = write(tmp_path, content)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    message = str(caught.value)
    assert str(path) in message and key in message and problem in message
    assert "\n" not in message and message.endswith(".")


async def test_make_client_shares_the_accounts_budget_in_the_data_folder():
    sakari = SakariSection(account_id="acc-1", client_id="c", client_secret="s" * 12, request_budget=90)
    client = sakari.make_client()
    try:
        assert client.budget.shared and client.budget.path == budget_file(data_dir(), "acc-1")
        assert client.budget.rate == pytest.approx(1.5) and client.budget.burst == 180  # two minutes of it
    finally:
        await client.aclose()


async def test_a_budget_of_zero_has_no_cap_but_still_shares():
    client = SakariSection(account_id="acc-1", request_budget=0).make_client()
    try:
        assert client.budget.shared and all(client.budget.try_take() == 0.0 for _ in range(2000))
    finally:
        await client.aclose()
