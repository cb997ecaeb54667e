"""Every dialog at 80×24 (and 120×40): its buttons, error and hint lines on screen, whatever it says;
Esc asks before throwing typed input away; the template picker's ranking; the country-code sentence."""

from __future__ import annotations

import pytest
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Static, TextArea

from sakari_tui.api import ContactIdentifiers, Template
from sakari_tui.sms.phones import InvalidNumber, country_code_problem, to_e164
from sakari_tui.ui.screens.confirm import ConfirmScreen, SendAnywayScreen
from sakari_tui.ui.screens.edit_contact import EditContactScreen
from sakari_tui.ui.screens.new_conversation import NewConversation, NewConversationScreen
from sakari_tui.ui.screens.search import SearchScreen
from sakari_tui.ui.screens.template_picker import TemplatePickerScreen, rank_templates
from sakari_tui.ui.screens.templates import TemplatesScreen

from ..support.factories import NOW
from ..support.hosts import Host
from ..support.keyboard import type_text
from ..support.waiting import wait_until

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]

ANN = ContactIdentifiers(
    id="k1", first_name="Ann", last_name="Lee", email="ann@example.com", mobile={"number": "+14155550101"}
)
TEMPLATES = [
    Template(id="t1", name="Appointment reminder", template="Hi {{firstName}}, see you tomorrow. Thanks!"),
    Template(id="t2", name="Out of office", template="Thanks for your message! We reply at 9am."),
    Template(id="t3", name="Say thanks later", template="Talk soon."),
    Template(id="t4", name="Thanks", template="Thanks {{firstName}}, see you soon."),
    Template(id="t5", name="Thanksgiving hours", template="We close early on Thursday."),
]
LONG_ERROR = (
    "Not saved: Sakari refused the change because the contact's record is locked by another "
    "user of this account, who is editing it right now in the Sakari web app; try again in a minute."
)


def fully_shown(app, widget: Widget) -> bool:
    """True when all of `widget` is drawn on the screen: not scrolled away, not clipped, not off the edge."""
    geometry = app.screen._compositor.find_widget(widget)
    region = geometry.region
    return bool(region.height) and geometry.visible_region == region and app.screen.region.contains_region(region)


def buttons_shown(app) -> bool:
    return all(fully_shown(app, button) for button in app.screen.query(Button))


class TemplateSourceStub:
    async def templates(self) -> list[Template]:
        return list(TEMPLATES)

    async def save_template(self, template_id, name, text):  # pragma: no cover - not reached
        raise AssertionError("not in these tests")

    async def delete_template(self, template_id):  # pragma: no cover - not reached
        raise AssertionError("not in these tests")


# --- fitting 80×24 ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_new_conversation_shows_its_error_and_buttons(size):
    app = Host(screen=NewConversationScreen("US"))
    async with app.run_test(size=size) as pilot:
        await wait_until(lambda: app.dialog.is_attached, pilot)
        await type_text(pilot, "12345")
        await pilot.press("tab")
        await type_text(pilot, "Nia")
        await pilot.press("tab")
        await type_text(pilot, "Hello")
        await pilot.press("ctrl+s")
        error = app.dialog.query_one("#new-error", Static)
        await wait_until(lambda: "12345" in error.render().plain, pilot)
        await pilot.pause()
        assert fully_shown(app, error) and buttons_shown(app)
        assert fully_shown(app, app.dialog.query_one("#new-number"))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_new_conversation_reaches_every_field_and_keeps_the_buttons(size):
    """A long first message and a long error: the fields scroll, the error and buttons stay."""
    filled = NewConversation("+1 415", "Nia", "Okafor", "\n".join(f"line {n}" for n in range(12)))
    app = Host(screen=NewConversationScreen("US", filled))
    async with app.run_test(size=size) as pilot:
        screen = app.dialog
        await wait_until(lambda: screen.is_attached, pilot)
        screen.query_one("#new-error", Static).update(LONG_ERROR)
        for selector in ("#new-number", "#new-name", "#new-text"):
            screen.query_one(selector).focus()
            await pilot.pause()
            assert fully_shown(app, screen.query_one(selector)), selector
            assert fully_shown(app, screen.query_one("#new-error")) and buttons_shown(app), selector


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_edit_contact_shows_a_long_error_and_its_buttons(size):
    app = Host(screen=EditContactScreen(ANN))
    async with app.run_test(size=size) as pilot:
        screen = app.dialog
        await wait_until(lambda: screen.is_attached, pilot)
        screen.query_one("#contact-error", Static).update(LONG_ERROR)
        for selector in EditContactScreen.FIELDS:
            screen.query_one(selector).focus()
            await pilot.pause()
            assert fully_shown(app, screen.query_one(selector)), selector
            assert fully_shown(app, screen.query_one("#contact-error")) and buttons_shown(app), selector


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("kind", ["confirm", "send-anyway"])
async def test_a_long_question_keeps_its_buttons(kind, size):
    warnings = [LONG_ERROR] * 6  # far more than a send-anyway question ever says
    if kind == "confirm":
        screen = ConfirmScreen(" ".join(warnings))
    else:
        screen = SendAnywayScreen("\n".join(warnings) + "\n\nSend it anyway?")
    app = Host(screen=screen)
    async with app.run_test(size=size) as pilot:
        await wait_until(lambda: screen.is_attached, pilot)
        await pilot.pause()
        assert buttons_shown(app) and fully_shown(app, screen.query_one(".dialog"))
        question = app.screen._compositor.find_widget(screen.query_one("#confirm-question"))
        assert question.visible_region.y == question.region.y  # it starts on screen, and scrolls on


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_template_picker_says_enter_and_esc(size):
    app = Host(screen=TemplatePickerScreen(TEMPLATES, {"firstName": "Ann"}, "Ann Lee"))
    async with app.run_test(size=size) as pilot:
        await wait_until(lambda: app.dialog.is_attached, pilot)
        await pilot.pause()
        hint = app.dialog.query_one("#template-hint", Static)
        assert fully_shown(app, hint)
        assert "Enter" in hint.render().plain and "Esc" in hint.render().plain


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_templates_manager_and_search_keep_their_hint_lines(size):
    app = Host(screen=TemplatesScreen(TemplateSourceStub(), [ANN]))
    async with app.run_test(size=size) as pilot:
        await wait_until(lambda: app.dialog.is_attached and app.dialog.loaded, pilot)
        await pilot.pause()
        assert fully_shown(app, app.dialog.query_one("#tpl-hint"))
        await pilot.press("e")
        await pilot.pause()
        assert fully_shown(app, app.dialog.query_one("#tpl-hint")) and fully_shown(
            app, app.dialog.query_one("#tpl-text")
        )
    app = Host(screen=SearchScreen(lambda query: [], NOW, "order"))
    async with app.run_test(size=size) as pilot:
        await wait_until(lambda: app.dialog.is_attached, pilot)
        await pilot.pause()
        assert fully_shown(app, app.dialog.query_one("#search-status"))


# --- Esc with typed input asks first -----------------------------------------------------------


async def test_esc_on_an_untouched_new_conversation_closes_at_once():
    app = Host(screen=NewConversationScreen("US"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(lambda: app.dialog.is_attached, pilot)
        await pilot.press("escape")
        await wait_until(lambda: app.results, pilot)
    assert app.results == [None]


@pytest.mark.parametrize("typed", ["number", "text"])
async def test_esc_on_a_typed_new_conversation_asks_before_discarding(typed):
    app = Host(screen=NewConversationScreen("US"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.dialog
        await wait_until(lambda: screen.is_attached, pilot)
        if typed == "text":
            screen.query_one("#new-text").focus()
        await type_text(pilot, "4155550100")
        await pilot.press("escape")
        await wait_until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        assert not app.results
        await pilot.press("n")  # keep editing: everything is still there
        await wait_until(lambda: app.screen is screen, pilot)
        field = screen.query_one("#new-number", Input).value if typed == "number" else None
        text = screen.query_one("#new-text", TextArea).text if typed == "text" else None
        assert (field or text) == "4155550100" and not app.results
        await pilot.press("escape")
        await wait_until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        await pilot.press("y")
        await wait_until(lambda: app.results, pilot)
    assert app.results == [None]


async def test_esc_on_an_edited_contact_asks_before_discarding():
    app = Host(screen=EditContactScreen(ANN))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.dialog
        await wait_until(lambda: screen.is_attached, pilot)
        await pilot.press("escape")  # nothing changed yet: would close at once, so look at a fresh one
        await wait_until(lambda: app.results, pilot)
    assert app.results == [None]
    app = Host(screen=EditContactScreen(ANN))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.dialog
        await wait_until(lambda: screen.is_attached, pilot)
        await pilot.press("end")
        await type_text(pilot, "ie")
        await pilot.press("escape")
        await wait_until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        await pilot.press("escape")  # Esc on the question is "no": back to the form as typed
        await wait_until(lambda: app.screen is screen, pilot)
        assert screen.query_one("#contact-first", Input).value == "Annie" and not app.results
        await pilot.press("escape")
        await wait_until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        await pilot.press("y")
        await wait_until(lambda: app.results, pilot)
    assert app.results == [None]


# --- the template picker's ranking -------------------------------------------------------------


def names(templates) -> list[str]:
    return [t.name for t in templates]


def test_ranking_puts_exact_and_prefix_names_first_then_name_then_body():
    assert names(rank_templates(TEMPLATES, "thanks")) == [
        "Thanks",  # the exact name
        "Thanksgiving hours",  # a name that starts so
        "Say thanks later",  # the name holds it
        "Appointment reminder",  # only the text does, in list order
        "Out of office",
    ]
    assert names(rank_templates(TEMPLATES, "  THANKS ")) == names(rank_templates(TEMPLATES, "thanks"))
    assert names(rank_templates(TEMPLATES, "")) == names(TEMPLATES)
    assert names(rank_templates(TEMPLATES, "office")) == ["Out of office"]
    assert rank_templates(TEMPLATES, "zebra") == []
    unnamed = Template(id="t9", name=None, template=None)
    assert rank_templates([unnamed], "x") == [] and rank_templates([unnamed], "") == [unnamed]


async def test_typing_a_name_in_the_picker_highlights_that_template():
    app = Host(screen=TemplatePickerScreen(TEMPLATES, {"firstName": "Ann"}, "Ann Lee"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.dialog
        await wait_until(lambda: screen.is_attached, pilot)
        await type_text(pilot, "thanks")
        await wait_until(lambda: len(screen.shown) == 5, pilot)
        assert screen.query_one("#template-list", OptionList).highlighted == 0
        await pilot.press("enter")
        await wait_until(lambda: app.results, pilot)
    assert app.results == ["Thanks Ann, see you soon."]


# --- the country code ----------------------------------------------------------------------------


def test_a_bad_country_code_is_named_with_what_to_write():
    assert country_code_problem("DE") is None and country_code_problem("gb") is None
    problem = country_code_problem("XX")
    assert problem.startswith("'XX' is not a country code") and "'DE'" in problem and "\n" not in problem
    with pytest.raises(InvalidNumber, match="^'XX' is not a country code"):
        to_e164("0176 22597809", "XX")
    assert to_e164("+49 176 22597809", "XX") == "+4917622597809"  # a number with + needs no default country


async def test_new_conversation_names_a_bad_default_country():
    app = Host(screen=NewConversationScreen("XX"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.dialog
        await wait_until(lambda: screen.is_attached, pilot)
        await type_text(pilot, "0176 22597809")
        await pilot.press("tab", "tab")
        await type_text(pilot, "Hallo")
        await pilot.press("ctrl+s")
        error = screen.query_one("#new-error", Static)
        await wait_until(lambda: error.render().plain, pilot)
        assert error.render().plain.startswith("'XX' is not a country code")
