"""`[keys]` overrides: an unknown id, a key name that names no key, or a key already taken is one
sentence, and only the overrides that can work reach Textual (issue 10, point 19)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding

from sakari_tui.ui.app import SakariApp
from sakari_tui.ui.keys import KEYMAP_OWNERS, canonical_key, checked_keymap, keymap_scopes
from sakari_tui.ui.widgets.conversation_list import ConversationList
from tests.support.factories import settings_for
from tests.support.inbox import Inbox

CONFIG = Path("/home/ana/.config/sakari-tui/config.toml")
WHERE = f"{CONFIG}: [keys]"


def check(keymap, *scopes):
    return checked_keymap(keymap, *(scopes or keymap_scopes()), source=CONFIG)


# --- key names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("x", "x"),
        ("N", "N"),
        ("?", "question_mark"),
        ("/", "slash"),
        ("+", "plus"),
        ("é", "é"),
        ("ctrl+s", "ctrl+s"),
        ("Ctrl+S", "ctrl+s"),
        ("shift+ctrl+up", "ctrl+shift+up"),
        ("ctrl+?", "ctrl+question_mark"),
        ("F2", "f2"),
        ("f24", "f24"),
        ("pagedown", "pagedown"),
        ("shift+tab", "shift+tab"),
        ("escape", "escape"),
        ("question_mark", "question_mark"),
        ("minus", "minus"),
        ("comma", "comma"),
        ("alt+enter", "alt+enter"),
        ("super+hyper+meta+a", "hyper+meta+super+a"),
        (" ctrl+k ", "ctrl+k"),
    ],
)
def test_key_names_textual_knows_are_spelt_as_its_events_are(written, canonical):
    assert canonical_key(written) == canonical


@pytest.mark.parametrize(
    "written",
    [
        "",
        " ",
        "ctrlx",
        "ctrl+",
        "ctrl++",
        "ctrl+ctrl+a",
        "cmd+s",
        "f25",
        "pgdn",
        "hyphen_minus",
        "<any>",
        "\x1b",
        "ctrl+\x07",
        "enter key",
    ],
)
def test_names_that_no_key_event_has_are_refused(written):
    assert canonical_key(written) is None


# --- the validator -----------------------------------------------------------------------------


def test_good_overrides_pass_spelt_for_textual():
    keymap = {"app.send": "Ctrl+Enter", "app.filter": "!, f3", "list.down": "j,down,ctrl+n"}
    assert check(keymap) == (
        {"app.send": "ctrl+enter", "app.filter": "exclamation_mark,f3", "list.down": "j,down,ctrl+n"},
        [],
    )


def test_an_unknown_binding_id_is_one_sentence():
    assert check({"app.sned": "ctrl+s"}) == (
        {},
        [f"{WHERE} 'app.sned' is not a binding id; see the README's key table."],
    )


def test_an_invalid_key_name_is_one_sentence_and_the_default_stays():
    assert check({"app.close": "ctrl+s+x", "app.mute": "ctrl+m,"}) == (
        {},
        [
            f"{WHERE}: app.close = 'ctrl+s+x': 'ctrl+s+x' is not a key name; write keys like 'ctrl+s', 'f2', 'shift+tab', 'x' or '?'.",
            f"{WHERE}: app.mute = 'ctrl+m,': an empty key name is not a key; write keys like 'ctrl+s', 'f2', 'shift+tab', 'x' or '?'.",
        ],
    )


def test_a_key_taken_by_a_default_binding_of_the_same_scope_is_refused():
    assert check({"app.mute": "x"}) == (
        {},
        [
            f"{WHERE}: app.mute = 'x': x is already the key of 'app.close' (Close); choose another key (app.mute keeps m).",
        ],
    )


def test_a_key_taken_by_an_inherited_binding_is_refused():
    # App's own ctrl+c (help_quit, no id) and ScrollView's left (scroll_left) count too.
    keymap, problems = check({"app.refresh": "ctrl+c", "list.open": "left"})
    assert keymap == {}
    assert problems == [
        f"{WHERE}: app.refresh = 'ctrl+c': ctrl+c is already the key of help quit; choose another key (app.refresh keeps r).",
        f"{WHERE}: list.open = 'left': left is already the key of Scroll Left; choose another key (list.open keeps enter).",
    ]


def test_two_overrides_wanting_one_key_keep_the_first():
    keymap, problems = check({"app.mute": "ctrl+k", "app.contact": "ctrl+k"})
    assert keymap == {"app.mute": "ctrl+k"}
    assert problems == [
        f"{WHERE}: app.contact = 'ctrl+k': ctrl+k is already the key of 'app.mute' (Mute); "
        "choose another key (app.contact keeps c)."
    ]


def test_a_swap_is_fine_and_half_a_swap_is_not():
    assert check({"app.close": "c", "app.contact": "x"}) == ({"app.close": "c", "app.contact": "x"}, [])
    # The second half is refused (unknown key), so app.contact keeps c, which app.close then cannot take.
    keymap, problems = check({"app.close": "c", "app.contact": "nope"})
    assert keymap == {}
    assert [problem.split(": ", 2)[2].split(":")[0] for problem in problems] == [
        "app.contact = 'nope'",
        "app.close = 'c'",
    ]


def test_the_same_key_in_another_scope_is_not_taken():
    # "n" is the app's next unread and the confirm dialog's "no"; "enter" opens in the list only.
    assert check({"app.refresh": "enter", "confirm.yes": "ctrl+y"}) == (
        {"app.refresh": "enter", "confirm.yes": "ctrl+y"},
        [],
    )


def test_an_override_to_its_own_default_is_fine():
    assert check({"app.close": "x", "app.templates": "ctrl+t"}) == ({"app.close": "x", "app.templates": "ctrl+t"}, [])


def test_plain_bindings_work_as_one_scope_without_an_app():
    scope = [Binding("a", "one", "One", id="t.one"), Binding("b,c", "two", "Two", id="t.two"), Binding("d", "three")]
    assert checked_keymap({"t.one": "c"}, scope) == (
        {},
        ["The [keys] table: t.one = 'c': c is already the key of 't.two' (Two); choose another key (t.one keeps a)."],
    )
    assert checked_keymap({"t.one": "d"}, scope)[1][0].endswith(
        "d is already the key of three; choose another key (t.one keeps a)."
    )
    assert checked_keymap({"t.two": "a"}, scope)[1] != [] and checked_keymap({"t.two": "e"}, scope) == (
        {"t.two": "e"},
        [],
    )


def test_every_binding_id_of_the_app_is_known():
    ids = {binding.id for owner in KEYMAP_OWNERS for _key, binding in owner._merged_bindings if binding.id}
    assert {"app.send", "list.open", "thread.up", "confirm.yes", "send_anyway.no", "templates.save"} <= ids
    assert not [p for p in check(dict.fromkeys(ids, "f24"))[1] if "not a binding id" in p]
    assert SakariApp in KEYMAP_OWNERS and ConversationList in KEYMAP_OWNERS


# --- in the app ------------------------------------------------------------------------------


async def test_the_app_warns_about_a_bad_override_and_applies_the_good_ones(build_app, server, tmp_path):
    settings = settings_for(server)
    settings.keys = {"app.mute": "x", "app.refresh": "F5"}
    app = await build_app(settings=settings, settings_path=tmp_path / "config.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = Inbox(app).notifications()
        assert (
            f"{tmp_path / 'config.toml'}: [keys]: app.mute = 'x': x is already the key of 'app.close' (Close); "
            "choose another key (app.mute keeps m)." in shown
        )
        assert app._keymap == {"app.refresh": "f5"}
