"""The template manager against the simulator: create, edit, delete, live preview, errors, hostile text."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList, Static, TextArea

from sakari_tui.api import NO_RETRY, ContactIdentifiers
from sakari_tui.ui.screens.confirm import ConfirmScreen
from sakari_tui.ui.screens.templates import TemplatesScreen

from ..support.hosts import Host
from ..support.keyboard import type_text
from ..support.screen import assert_screen_safe, screen_text
from ..support.waiting import wait_until

TEMPLATES_POST = "POST /v1/accounts/{accountId}/templates"

ANN = ContactIdentifiers(id="c1", first_name="Ann", last_name="Lee", mobile={"number": "+14155550101"})
BO = ContactIdentifiers(id="c2", first_name="Bo", mobile={"number": "+14155550102"})


def text_of(screen, selector: str) -> str:
    return screen.query_one(selector, Static).render().plain


def server_template(server, name: str):
    return next((t for t in server.state.templates.values() if t.name == name), None)


async def open_manager(pilot, app) -> TemplatesScreen:
    screen = app.dialog
    await wait_until(lambda: screen.loaded and screen.is_attached, pilot)
    await pilot.pause()
    return screen


def select(screen: TemplatesScreen, name: str) -> None:
    index = next(i for i, t in enumerate(screen.shown) if t.name == name)
    screen.query_one("#tpl-list", OptionList).highlighted = index


async def test_create_edit_and_delete_a_template(server, engine):
    app = Host(screen=TemplatesScreen(engine, [ANN, BO]))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_manager(pilot, app)
        before = len(screen.templates)
        assert before == len(server.state.templates) > 0
        assert app.focused is screen.query_one("#tpl-list")

        await pilot.press("n")
        assert screen.editing and app.focused is screen.query_one("#tpl-name")
        await type_text(pilot, "Promo")
        await pilot.press("enter")
        assert app.focused is screen.query_one("#tpl-text")
        await type_text(pilot, "Hi {{firstName}}, 10% off")
        await pilot.press("ctrl+s")
        await wait_until(lambda: not screen.editing, pilot)
        saved = server_template(server, "Promo")
        assert saved is not None and saved.template == "Hi {{firstName}}, 10% off"
        assert len(screen.templates) == before + 1 and screen.highlighted_template().id == saved.id
        assert "Saved “Promo”." in text_of(screen, "#tpl-status")

        await pilot.press("e")
        assert screen.editing and screen.query_one("#tpl-text", TextArea).text == "Hi {{firstName}}, 10% off"
        await type_text(pilot, " today")  # the cursor starts at the end
        await pilot.press("ctrl+s")
        await wait_until(lambda: not screen.editing, pilot)
        assert server.state.templates[saved.id].template == "Hi {{firstName}}, 10% off today"
        assert len(screen.templates) == before + 1

        await pilot.press("d")
        await wait_until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        assert "Promo" in screen_text(app)
        await pilot.press("y")
        await wait_until(lambda: saved.id not in server.state.templates, pilot)
        await wait_until(lambda: len(screen.templates) == before, pilot)
        assert all(t.id != saved.id for t in screen.shown)

        await pilot.press("escape")
        await wait_until(lambda: app.screen is not screen, pilot)


async def test_enter_edits_and_delete_can_be_declined(server, engine):
    app = Host(screen=TemplatesScreen(engine, [ANN]))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_manager(pilot, app)
        first = screen.highlighted_template()
        await pilot.press("enter")
        assert screen.editing and screen.query_one("#tpl-name", Input).value == first.name
        await pilot.press("escape")  # nothing changed: straight back to the list
        assert not screen.editing and app.focused is screen.query_one("#tpl-list")
        await pilot.press("d")
        await wait_until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        await pilot.press("n")
        await wait_until(lambda: app.screen is screen, pilot)
        assert first.id in server.state.templates


async def test_preview_follows_typing_and_the_sample_contact(server, engine):
    app = Host(screen=TemplatesScreen(engine, [ANN, BO]))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_manager(pilot, app)
        await pilot.press("n")
        await type_text(pilot, "Hi")
        await pilot.press("enter")
        await type_text(pilot, "Hey {{firstName}} {{lastName}}")
        assert text_of(screen, "#tpl-preview") == "Hey Ann Lee"
        assert "Ann Lee" in text_of(screen, "#tpl-preview-title") and "1/2" in text_of(screen, "#tpl-preview-title")
        assert text_of(screen, "#tpl-warning") == ""

        await pilot.press("ctrl+o")  # next contact, while typing
        await pilot.pause()
        preview = screen.query_one("#tpl-preview", Static).render()
        assert preview.plain == "Hey Bo {{lastName}}"
        # The unfilled placeholder is highlighted.
        highlighted = [preview.plain[s.start : s.end] for s in preview.spans if "yellow" in str(s.style)]
        assert highlighted == ["{{lastName}}"]
        assert "lastName" in text_of(screen, "#tpl-warning") and "Bo" in text_of(screen, "#tpl-warning")

        await type_text(pilot, " {{{ firstName }}}")
        assert text_of(screen, "#tpl-preview") == "Hey Bo {{lastName}} Bo"
        assert "1 segment" in text_of(screen, "#tpl-counter")

        # Back on the list, `c` and ctrl+right cycle the contact for the highlighted template.
        await pilot.press("escape")
        await wait_until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        await pilot.press("y")
        await wait_until(lambda: app.screen is screen and not screen.editing, pilot)
        screen.templates.append(
            screen.templates[0].model_copy(update={"id": "local", "name": "Zz", "template": "Dear {{firstName}}"})
        )
        screen._fill("local")
        await pilot.pause()
        assert text_of(screen, "#tpl-preview") == "Dear Bo"
        await pilot.press("c")
        assert text_of(screen, "#tpl-preview") == "Dear Ann"
        await pilot.press("ctrl+right")
        assert text_of(screen, "#tpl-preview") == "Dear Bo"
        await pilot.press("ctrl+left")
        assert text_of(screen, "#tpl-preview") == "Dear Ann"


async def test_filter_narrows_the_list(server, engine):
    app = Host(screen=TemplatesScreen(engine, [ANN]))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_manager(pilot, app)
        total = len(screen.templates)
        await pilot.press("slash")
        assert app.focused is screen.query_one("#tpl-filter")
        target = screen.templates[-1].name
        await type_text(pilot, target)
        assert 1 <= len(screen.shown) < total and screen.shown[0].name == target
        assert f"{len(screen.shown)} of {total}" in text_of(screen, "#tpl-title")
        await pilot.press("down")
        assert app.focused is screen.query_one("#tpl-list")
        await pilot.press("escape")
        await wait_until(lambda: app.screen is not screen, pilot)


async def test_an_api_error_keeps_the_edit(server, engine):
    app = Host(screen=TemplatesScreen(engine, [ANN]))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_manager(pilot, app)
        await pilot.press("n")
        await type_text(pilot, "Late")
        await pilot.press("enter")
        await type_text(pilot, "Sorry, {{firstName}}")
        server.state.set_faults(error_rate=1.0, operations=(TEMPLATES_POST,))
        await pilot.press("ctrl+s")
        await wait_until(lambda: "Not saved" in text_of(screen, "#tpl-status"), pilot)
        status = text_of(screen, "#tpl-status")
        assert "\n" not in status and "Traceback" not in status and "edit is kept" in status
        assert screen.query_one("#tpl-status").has_class("-error")
        assert screen.editing and server_template(server, "Late") is None
        assert screen.query_one("#tpl-name", Input).value == "Late"
        assert screen.query_one("#tpl-text", TextArea).text == "Sorry, {{firstName}}"

        server.state.set_faults(error_rate=0.0)
        await pilot.press("ctrl+s")
        await wait_until(lambda: not screen.editing, pilot)
        assert server_template(server, "Late").template == "Sorry, {{firstName}}"


async def test_a_refused_template_and_missing_fields_are_explained(server, engine):
    app = Host(screen=TemplatesScreen(engine, [ANN]))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_manager(pilot, app)
        await pilot.press("n", "ctrl+s")
        assert "name" in text_of(screen, "#tpl-status") and app.focused is screen.query_one("#tpl-name")
        await type_text(pilot, "Blank")
        await pilot.press("ctrl+s")
        assert "text" in text_of(screen, "#tpl-status") and app.focused is screen.query_one("#tpl-text")
        await pilot.press("space", "space")
        # Whitespace only: the screen refuses it before the API does.
        await pilot.press("ctrl+s")
        assert screen.editing and server_template(server, "Blank") is None


async def test_discarding_a_changed_edit_asks_first(server, engine):
    app = Host(screen=TemplatesScreen(engine, [ANN]))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_manager(pilot, app)
        original = screen.highlighted_template()
        await pilot.press("e", *"XYZ", "escape")
        await wait_until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        await pilot.press("n")  # keep editing
        await wait_until(lambda: app.screen is screen, pilot)
        assert screen.editing and screen.query_one("#tpl-text", TextArea).text.endswith("XYZ")
        await pilot.press("escape")
        await wait_until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        await pilot.press("y")
        await wait_until(lambda: app.screen is screen and not screen.editing, pilot)
        assert server.state.templates[original.id].template == original.template


async def test_load_failure_is_one_sentence_and_r_retries(server, engine):
    server.state.set_faults(error_rate=1.0, operations=("GET /v1/accounts/{accountId}/templates",))
    engine.client.read_retry = NO_RETRY
    app = Host(screen=TemplatesScreen(engine, [ANN]))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.dialog
        await wait_until(lambda: "Could not load" in text_of(screen, "#tpl-status"), pilot, timeout=30)
        assert "press r" in text_of(screen, "#tpl-status").lower()
        server.state.set_faults(error_rate=0.0)
        await pilot.press("r")
        await wait_until(lambda: screen.loaded, pilot, timeout=30)
        assert screen.templates and text_of(screen, "#tpl-status") == ""


HOSTILE_NAME = "[@click=app.quit]quit[/] \x1b]52;c;ZXZpbA==\x07 [/]"
HOSTILE_TEXT = "Hi {{firstName}} [link=https://evil.test]x[/link] \x1b[2J\u202eevil\x9b31m"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_hostile_templates_and_contacts_render_as_text(server, engine, size):
    await engine.save_template(None, HOSTILE_NAME, HOSTILE_TEXT)
    evil = ContactIdentifiers(id="e", first_name="[/]\x1b]0;TITLE\x07[b]", mobile={"number": "+14155550103"})
    app = Host(screen=TemplatesScreen(engine, [evil]))
    async with app.run_test(size=size) as pilot:
        screen = await open_manager(pilot, app)
        select(screen, HOSTILE_NAME)
        await pilot.pause()
        text = screen_text(app)
        assert "[@click=app.quit]quit[/]" in text and "[/]]0;TITLE[b]" in text
        assert_screen_safe(app)
        await pilot.press("e")
        area = screen.query_one("#tpl-text", TextArea)
        assert "\x1b" not in area.text and "\x9b" not in area.text and "\u202e" not in area.text
        assert "\x1b" not in screen.query_one("#tpl-name", Input).value
        await pilot.pause()
        assert_screen_safe(app)
        assert app.is_running and app.return_code is None


async def test_the_filter_ranks_a_name_match_first(server, engine):
    app = Host(screen=TemplatesScreen(engine, [ANN]))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_manager(pilot, app)
        assert any("thanks" in (t.template or "").casefold() and t.name != "Thanks" for t in screen.templates)
        await pilot.press("slash", *"thanks")
        await wait_until(lambda: screen.highlighted_template() is not None, pilot)
        assert screen.highlighted_template().name == "Thanks"
        assert [t.name for t in screen.shown][0] == "Thanks" and len(screen.shown) > 1
