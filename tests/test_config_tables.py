"""The settings' tables (config_tables.py): each value checked as a table is built, in pydantic's
words, with the key's place; defaults left alone; secrets out of the repr."""

from __future__ import annotations

import dataclasses

import pytest

from sakari_tui.config import ComposeSection, SakariSection, Settings, UiSection, load_settings
from sakari_tui.config_polling import SyncSection
from sakari_tui.config_tables import InvalidSetting
from sakari_tui.config_triage import SenderSetting, TriageSection


@pytest.mark.parametrize(
    "given, kept",
    [
        ({"poll_interval": 7}, 7.0),  # an int for a float
        ({"poll_interval": "7.5"}, 7.5),  # a number written as a string (the lax conversion pydantic made)
        ({"poll_interval": " 9 "}, 9.0),
    ],
)
def test_a_number_is_taken_as_toml_and_the_environment_write_it(given, kept):
    assert SyncSection.from_table(given).poll_interval == kept


@pytest.mark.parametrize(
    "value, kind, words",
    [
        (True, "float_type", "Input should be a valid number"),  # a bool is never a number here
        ("often", "float_parsing", "Input should be a valid number, unable to parse string as a number"),
        (float("nan"), "finite_number", "Input should be a finite number"),
        (float("inf"), "finite_number", "Input should be a finite number"),
        ([5], "float_type", "Input should be a valid number"),
        (0.5, "greater_than_equal", "Input should be greater than or equal to 1"),
        (3601, "less_than_equal", "Input should be less than or equal to 3600"),
    ],
)
def test_a_bad_number_names_its_key_and_what_is_wrong(value, kind, words):
    with pytest.raises(InvalidSetting) as caught:
        SyncSection.from_table({"poll_interval": value})
    assert caught.value.location == ("poll_interval",) and caught.value.kind == kind
    assert caught.value.message == words


@pytest.mark.parametrize("value, kept", [(12, 12), (12.0, 12), ("12", 12)])
def test_an_integer_takes_a_whole_number_in_any_spelling(value, kept):
    assert SakariSection(request_budget=value).request_budget == kept


@pytest.mark.parametrize(
    "value, words",
    [
        (12.5, "Input should be a valid integer, got a number with a fractional part"),
        ("lots", "Input should be a valid integer, unable to parse string as an integer"),
        (False, "Input should be a valid integer"),
    ],
)
def test_an_integer_refuses_the_rest(value, words):
    with pytest.raises(InvalidSetting, match=words):
        SakariSection(request_budget=value)


@pytest.mark.parametrize("value, kept", [(True, True), ("yes", True), ("Off", False), (0, False), ("1", True)])
def test_a_bool_takes_the_usual_words(value, kept):
    assert UiSection(show_closed=value).show_closed is kept


@pytest.mark.parametrize("value", ["maybe", 2, 1.0])
def test_a_bool_refuses_anything_else(value):
    with pytest.raises(InvalidSetting, match="Input should be a valid boolean"):
        UiSection(show_closed=value)


def test_a_string_is_only_a_string():
    with pytest.raises(InvalidSetting) as caught:
        UiSection(theme=5)
    assert (caught.value.location, caught.value.message) == (("theme",), "Input should be a valid string")


def test_a_problem_deep_in_the_file_is_placed_from_the_top():
    with pytest.raises(InvalidSetting) as caught:
        Settings.from_table({"compose": {"segment_prices": {"GB": "cheap"}}})
    assert caught.value.location == ("compose", "segment_prices", "GB")
    assert caught.value.kind == "float_parsing"
    with pytest.raises(InvalidSetting) as caught:
        Settings.from_table({"senders": [{"number": "+12025550100"}, {"label": "no number"}]})
    assert (caught.value.location, caught.value.kind) == (("senders", 1, "number"), "missing")
    with pytest.raises(InvalidSetting) as caught:
        Settings.from_table({"ui": {"theme": "x", "colour": "red"}})
    assert (caught.value.location, caught.value.kind) == (("ui", "colour"), "extra_forbidden")
    with pytest.raises(InvalidSetting) as caught:
        Settings.from_table({"senders": {"number": "+12025550100"}})
    assert (caught.value.location, caught.value.message) == (("senders",), "Input should be a valid list")


def test_our_own_checks_speak_for_their_key_and_a_rule_across_keys_for_its_table():
    with pytest.raises(InvalidSetting) as caught:
        Settings.from_table({"triage": {"waiting_warn": "3h", "waiting_alert": "1h"}})
    assert caught.value.location == ("triage",) and caught.value.kind == "value_error"
    assert caught.value.message == "waiting_alert must be at least as long as waiting_warn"
    with pytest.raises(InvalidSetting) as caught:
        Settings.from_table({"sakari": {"api_url": "ftp://x"}})
    assert caught.value.location == ("sakari", "api_url")
    assert caught.value.message == "must start with http:// or https://"


def test_checks_also_shape_what_they_keep():
    assert TriageSection(waiting_warn=90, waiting_alert="2h", default_view="Needs Reply").default_view == "needs-reply"
    assert TriageSection(waiting_warn=90).waiting_warn == "90"  # a number of seconds, kept as written
    assert SenderSetting(number="+1 202 555 0100", label="  Sales  ", group_id=" ").label == "Sales"
    assert SenderSetting(number="+1 202 555 0100", group_id=" ").group_id is None
    assert ComposeSection(segment_prices={" gb ": 0.04}).segment_prices == {"GB": 0.04}
    assert ComposeSection(send_window_start="7:30").send_window_start == "07:30"


def test_a_literal_lists_its_choices():
    from sakari_tui.config import NotificationsSection

    with pytest.raises(InvalidSetting, match="Input should be 'off', 'osc9' or 'osc777'"):
        NotificationsSection(terminal="osc99")
    assert NotificationsSection(terminal="osc9").terminal == "osc9"


def test_tables_compare_copy_and_dump_as_plain_data():
    settings = Settings(ui=UiSection(theme="nord"))
    assert settings == Settings.from_table({"ui": {"theme": "nord"}})
    assert settings != Settings()
    changed = dataclasses.replace(settings.ui, show_closed=True)
    assert changed.show_closed and changed.theme == "nord" and not settings.ui.show_closed
    with pytest.raises(InvalidSetting):  # a copy is checked as a new table is
        dataclasses.replace(settings.ui, close_undo_seconds=99)
    assert SyncSection().as_dict()["poll_interval"] == 5.0


def test_defaults_are_not_checked_so_building_them_loads_nothing_heavy():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from sakari_tui.config import Settings\n"
        "Settings()\n"
        "print([m for m in ('pydantic', 'phonenumbers', 'httpx') if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_secrets_stay_out_of_the_repr():
    sakari = SakariSection(account_id="acc", client_secret="s3cret-value", client_secret_command="pass show x")
    shown = repr(Settings(sakari=sakari))
    assert "acc" in shown and "s3cret-value" not in shown and "pass show" not in shown


def test_a_file_problem_still_reads_as_one_sentence_naming_file_and_key(tmp_path):
    from sakari_tui.config import ConfigError

    path = tmp_path / "config.toml"
    path.write_text('[[senders]]\nnumber = "+12025550100"\nlabel = 5\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    assert str(caught.value) == (
        f"{path}: key 'senders.label': in [[senders]] entry 1, input should be a valid string."
    )
