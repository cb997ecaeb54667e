"""Every place the app draws untrusted text, fed the whole hostile corpus, in the real app.

The app runs with Pilot against a simulator holding only the corpus (see `seed.py`). After each
step the composed screen is checked (`assert_screen_safe`): no control, C1, bidi-override or
surrogate character is drawn, none of the payloads' escape sequences is in the bytes Textual
would write, no link other than a media link and no payload action exists on screen. Markup
must show literally, actions must not fire, and the app must still answer keys.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from textual import events
from textual.widgets import Input, OptionList, Static
from textual.widgets._toast import Toast

from sakari_tui.api import Conversation, Message, SakariError
from sakari_tui.media.attachments import attachment_from_media
from sakari_tui.sms.phones import display_number
from sakari_tui.text import for_display, one_line, sanitize
from sakari_tui.ui.screens.template_picker import TemplatePickerScreen

from ..support.factories import message
from ..support.hostile import HOSTILE, MARKUP_LITERALS, MEDIA_HOST, SCREEN_FORBIDDEN
from ..support.inbox import Inbox
from ..support.keyboard import type_text
from ..support.screen import assert_screen_safe, screen_text, squash
from ..support.waiting import wait_until
from .seed import ESCAPE_NAMES, MARKUP_NAMES, media_for, number_for

TALL = (150, 136)  # every conversation of the corpus on screen at once (two lines each)
PAYLOAD_BY_NUMBER = {number_for(i): (i, name, text) for i, (name, text) in enumerate(HOSTILE.items())}


def toast_texts(app) -> list[str]:
    return [toast.render().plain for toast in app.screen.query(Toast)]


async def settle(app, pilot) -> None:
    """Until the app's workers are done (a newer open cancels an older thread refresh) and the screen is drawn."""
    await wait_until(lambda: not any(worker.is_running for worker in app.workers), pilot)
    await pilot.pause()


async def still_responsive(app, pilot) -> None:
    """The app runs, no payload quit it, and a key still works (o flips the list order)."""
    inbox = Inbox(app)
    assert app.is_running and app.return_code is None
    if not inbox.on_top():
        await pilot.press("escape")
        await wait_until(lambda: inbox.on_top(), pilot)
    inbox.list.focus()
    before = app.settings.ui.unread_first
    await pilot.press("o")
    await wait_until(lambda: app.settings.ui.unread_first is not before, pilot)
    assert app.is_running and app.return_code is None


def row_for(app, name: str):
    number = number_for(list(HOSTILE).index(name))
    return next(row for row in Inbox(app).rows if row.number == number)


async def test_conversation_list_names_and_previews(build_hostile_app):
    app = await build_hostile_app()
    inbox = Inbox(app)
    async with app.run_test(size=TALL) as pilot:
        await settle(app, pilot)  # numbers are formatted once phone formatting has loaded
        rows = inbox.rows
        assert {row.number for row in rows} == set(PAYLOAD_BY_NUMBER)
        assert_screen_safe(app)
        text = screen_text(app)
        for literal in MARKUP_LITERALS:
            assert literal in text, literal
        for row in rows:
            _, name, payload = PAYLOAD_BY_NUMBER[row.number]
            expected_name = for_display(one_line(payload)[:10]) or display_number(row.number)[:10]
            assert expected_name in text, name
            # An MMS without text shows what it carries instead ("📷 2 photos").
            empty = "📷 2 photos" if media_for(PAYLOAD_BY_NUMBER[row.number][0], payload) else "(no messages)"
            assert (for_display(one_line(payload)[:10]) or empty) in text, name
        await still_responsive(app, pilot)


async def test_thread_bubbles_media_and_header_for_every_payload(build_hostile_app):
    app = await build_hostile_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 50)) as pilot:
        rows = list(inbox.rows)
        await asyncio.gather(*(app.engine.sync_thread(row.id) for row in rows))  # every thread cached at once
        for position, row in enumerate(rows):
            index, name, payload = PAYLOAD_BY_NUMBER[row.number]
            inbox.open(row.id)  # laid out from the cache at once; its background refresh changes nothing
            thread = inbox.thread_text()  # every line of the thread, on screen or not
            assert not SCREEN_FORBIDDEN.search(thread.replace("\n", "")), name
            assert squash(for_display(sanitize(payload))) in squash(thread), name
            for item in media_for(index, payload) or []:
                # Each attachment is its own line: icon, cleaned name, type, host (never the raw URL).
                assert squash(for_display(attachment_from_media(item).line())) in squash(thread), name
            header = inbox.header.render()
            assert not SCREEN_FORBIDDEN.search(header.plain), name
            # No name: the formatted number.
            shown_name = for_display(one_line(payload, 60)) or display_number(row.number)
            assert header.plain.startswith(shown_name), (name, header.plain)
            assert display_number(row.number) in inbox.header.whole().plain  # one line: a long name leaves it out
            assert all("@click" not in str(span.style) and "link" not in str(span.style) for span in header.spans)
            if position % 6 == 0 or name in ESCAPE_NAMES[:4] + MARKUP_NAMES[:4]:  # the composed screen too
                await pilot.pause()
                assert_screen_safe(app)
        await settle(app, pilot)
        await still_responsive(app, pilot)


async def test_header_and_row_with_hostile_numbers(build_hostile_app):
    """Numbers come from the API too: a contact without a name shows its number, in the row and the header."""
    app = await build_hostile_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 50)) as pilot:
        for name in ("osc52_bel", "markup_click_quit", "c1_osc", "bidi_rlo", "long_word"):
            target = row_for(app, name)
            data = app.store.inbox.conversation(target.id).model_dump(by_alias=True, mode="json")
            data["contact"].update(firstName=None, lastName=None)
            data["contact"]["mobile"]["number"] = "+1555" + HOSTILE[name]
            data["phoneNumber"]["number"] = HOSTILE[name] + "+1555"
            data["updated"] = {"at": datetime.now(timezone.utc).isoformat()}
            app.store.inbox.merge_conversations([Conversation.model_validate(data)])
            inbox.refresh_list()
            inbox.select(target.id)
            inbox.open(target.id)
            header = inbox.header.render()
            assert header.plain.startswith(one_line("+1555" + HOSTILE[name], 60)), header.plain
            assert f"via {one_line(HOSTILE[name] + '+1555', 30)}" in inbox.header.whole().plain
            assert not SCREEN_FORBIDDEN.search(inbox.header.whole().plain)
            assert not SCREEN_FORBIDDEN.search(header.plain)
            await pilot.pause()
            assert_screen_safe(app)
        await settle(app, pilot)
        await still_responsive(app, pilot)


def _outgoing(
    conversation_id: str, n: int, text: str, status: str, error: dict | None, *, by: str | None = None
) -> Message:
    """`by`: a hostile teammate's name and source in `created.by` (the bubble's and the list's author)."""
    created = {"at": datetime.now(timezone.utc).isoformat()}
    if by is not None:
        created["by"] = {"firstName": by, "name": by, "source": by}
    return message(
        f"hostile-out-{n}",
        text,
        cid=conversation_id,
        outgoing=True,
        status=status,
        error=error,
        created=created,
        media=[
            {"url": f"{MEDIA_HOST}/\x1b]52;c;ZXZpbA==\x07 x\ny", "filename": text[:50]},
            {"url": f"{MEDIA_HOST}/\x1b]8;;x\x07/\u202e/\x9b2J{n}.png", "filename": text[:50]},
        ],
    )


async def test_outgoing_status_and_error_text_from_the_api(build_hostile_app):
    """Delivery states and carrier errors are API text too: drawn sanitised, in bubbles and list rows."""
    app = await build_hostile_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 50)) as pilot:
        row = row_for(app, "arabic")
        messages = []
        for n, payload in enumerate(HOSTILE.values()):
            messages.append(
                _outgoing(row.id, n, payload, payload, {"code": payload[:12], "description": payload}, by=payload)
            )
            messages.append(
                _outgoing(row.id, 1000 + n, payload, "undelivered", {"code": "X-1", "description": payload})
            )
        app.store.inbox.merge_messages(row.id, messages)
        # The list shows the last message's state: make it outgoing with a hostile status.
        for n, name in enumerate(("csi_clear", "osc52_bel", "markup_click_quit", "c1_osc", "bidi_rlo")):
            target = row_for(app, name)
            data = app.store.inbox.conversation(target.id).model_dump(by_alias=True, mode="json")
            data["lastMessage"] = _outgoing(target.id, 5000 + n, HOSTILE[name], HOSTILE[name], None).model_dump(
                by_alias=True, mode="json"
            )
            data["updated"] = {"at": datetime.now(timezone.utc).isoformat()}
            app.store.inbox.merge_conversations([Conversation.model_validate(data)])
        inbox.refresh_list()
        for name in ("csi_clear", "markup_click_quit"):  # scrolled into view in turn
            inbox.select(row_for(app, name).id)
            await pilot.pause()
            assert_screen_safe(app)
        # Sent from elsewhere (no created.by): never "You", and the markup drawn as text.
        assert "Elsewhere: 📎 2 files · [@click=app.q" in screen_text(app)
        inbox.open(row.id)
        await settle(app, pilot)
        inbox.show_thread(limit=1000)  # all 118 at once (opening shows the newest 100)
        await pilot.pause()
        thread = inbox.thread_text()
        assert not SCREEN_FORBIDDEN.search(thread.replace("\n", ""))
        assert "undelivered: [bold]x[/bold]" in " ".join(thread.split())  # wherever the meta line wraps
        for strip in inbox.thread._lines:
            for segment in strip:
                link = segment.style.link if segment.style else None
                assert not link or (not SCREEN_FORBIDDEN.search(link) and " " not in link), repr(link)
        for y in (0, len(inbox.thread._lines) // 2, len(inbox.thread._lines)):  # every line was checked above
            inbox.thread.scroll_to(y=y, animate=False, immediate=True)
            await pilot.pause()
            assert_screen_safe(app)
        await still_responsive(app, pilot)


async def test_template_picker_names_bodies_and_preview(build_hostile_app):
    app = await build_hostile_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 50)) as pilot:
        row = row_for(app, "markup_click_quit")  # its contact's name and `note` attribute are payloads too
        inbox.open(row.id)
        await settle(app, pilot)
        await pilot.press("ctrl+t")
        await wait_until(lambda: isinstance(app.screen, TemplatePickerScreen), pilot)
        picker = app.screen
        await wait_until(lambda: picker.query_one(OptionList).option_count == len(HOSTILE), pilot)
        assert "Templates for [@click=app.quit]quit[/]" in screen_text(app)
        options = picker.query_one(OptionList)
        preview, warning = picker.query_one("#template-preview", Static), picker.query_one("#template-warning", Static)
        for index in range(options.option_count):
            prompt = options.get_option_at_index(index).prompt
            assert not SCREEN_FORBIDDEN.search(prompt.plain)
            picker._preview(index)  # what highlighting it does, without waiting for a redraw each time
            assert not SCREEN_FORBIDDEN.search(preview.render().plain.replace("\n", "").replace("\t", ""))
            assert not SCREEN_FORBIDDEN.search(warning.render().plain)
            if index % 10 == 0:
                options.highlighted = index
                await pilot.pause()
                assert_screen_safe(app)
        shown = {options.get_option_at_index(i).prompt.plain for i in range(options.option_count)}
        assert any(p.startswith("[bold]x[/bold]") for p in shown) and any(p.startswith("[/]") for p in shown)
        # Filter to the markup template and insert it: the compose box gets the sanitised, filled text.
        picker.query_one("#template-filter", Input).value = "[@click=app.bell]"
        await pilot.pause()
        assert options.option_count == 1
        await pilot.press("enter")
        await wait_until(lambda: not isinstance(app.screen, TemplatePickerScreen), pilot)
        text = inbox.compose.text
        assert text.startswith(HOSTILE["markup_click_bell"]) and "[@click=app.quit]quit[/]" in text
        assert not SCREEN_FORBIDDEN.search(text.replace("\n", ""))
        assert_screen_safe(app)
        # The template whose body is escape sequences: filled with the contact's hostile name.
        await pilot.press("ctrl+t")
        await wait_until(lambda: isinstance(app.screen, TemplatePickerScreen), pilot)
        app.screen.query_one("#template-filter", Input).value = "]52;c;"
        await pilot.pause()
        assert_screen_safe(app)
        await pilot.press("escape")
        await still_responsive(app, pilot)


async def test_notifications_of_hostile_api_errors(build_hostile_app, hostile_api):
    app = await build_hostile_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 50), notifications=True) as pilot:
        row = row_for(app, "cjk")
        inbox.open(row.id)
        await settle(app, pilot)
        # 1. An error envelope from the API itself, through the client's parsing, to report_error.
        hostile_api.fail("GET", "/templates", HOSTILE["markup_click_quit"] + " " + HOSTILE["osc52_bel"])
        await pilot.press("ctrl+t")
        await wait_until(lambda: any("[@click=app.quit]quit[/]" in t for t in toast_texts(app)), pilot)
        assert_screen_safe(app)
        # 2. A refused reply: the API's reason shows in the toast and in the failed bubble.
        hostile_api.fail("POST", "/messages", HOSTILE["markup_link"] + HOSTILE["csi_clear"] + HOSTILE["c1_csi"])
        inbox.compose.area.focus()
        await type_text(pilot, "hello")
        await pilot.press("ctrl+s")
        refused = squash("not sent: [link=https://evil.test/markup]click me[/link]before[2J[Hafter2J31mred0m")
        await wait_until(lambda: refused in squash(inbox.thread_text()), pilot)
        await wait_until(lambda: any("Not sent: [link=" in t for t in toast_texts(app)), pilot)
        assert_screen_safe(app)
        hostile_api.clear()
        # 3. Every payload as an error message (with a hostile code too), straight to the handler.
        app.clear_notifications()
        for name in ("markup_close_all", "markup_bold"):
            app.report_error(SakariError(HOSTILE[name], code=HOSTILE[name][:12], status=400))
        await wait_until(
            lambda: "[/] ([/])" in toast_texts(app) and "[bold]x[/bold] ([bold]x[/bol)" in toast_texts(app), pilot
        )
        for payload in HOSTILE.values():
            app.report_error(SakariError(payload, code=payload[:12], status=400))
        await wait_until(lambda: len(app.screen.query(Toast)) > 5, pilot)
        await pilot.pause()
        for text in toast_texts(app):
            assert not SCREEN_FORBIDDEN.search(text.replace("\n", ""))
        assert_screen_safe(app)
        assert app.is_running
        app.clear_notifications()
        await still_responsive(app, pilot)


async def test_status_line_shows_a_hostile_poller_message(build_hostile_app, hostile_api):
    app = await build_hostile_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 50)) as pilot:
        for name in ("markup_click_quit", "osc52_st", "c1_osc", "bidi_rlo", "markup_close_all", "long_word"):
            hostile_api.fail("GET", "/conversations", HOSTILE[name])
            app.poller.wake()
            await app.poller.cycle()
            await pilot.pause()
            status = inbox.status.render()
            assert "offline" in status.plain
            assert one_line(HOSTILE[name], 120)[:40] in status.plain, name
            assert not SCREEN_FORBIDDEN.search(status.plain)
            assert all("@click" not in str(span.style) and "link" not in str(span.style) for span in status.spans)
            assert_screen_safe(app)
            hostile_api.clear()
        await still_responsive(app, pilot)


async def test_window_title_and_sub_title_never_carry_api_text(build_hostile_app):
    app = await build_hostile_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 50)) as pilot:
        for name in ("osc0_title", "osc2_title", "c1_osc", "markup_click_quit"):
            inbox.open(row_for(app, name).id)
            await settle(app, pilot)
            assert app.title == "sakari-tui" and app.sub_title in ("", "demo")
            assert app.screen.title is None and app.screen.sub_title is None
            header_text = screen_text(app).splitlines()[0]
            assert "PWNED" not in header_text and "sakari-tui" in header_text
        assert_screen_safe(app)


async def test_clicking_markup_text_triggers_nothing(build_hostile_app, monkeypatch):
    app = await build_hostile_app()
    inbox = Inbox(app)
    rang = []
    monkeypatch.setattr(app, "bell", lambda: rang.append(True))
    async with app.run_test(size=(120, 50)) as pilot:
        listing = inbox.list
        for name in ("markup_click_quit", "markup_click_bell", "markup_link"):
            row = row_for(app, name)
            listing.select(row.id)
            await pilot.pause()
            y = listing.cursor * 2 - int(listing.scroll_offset.y) + 1  # +1: the list's top border
            # On the name, where "quit" would be if the name were parsed as markup (it opens the row).
            assert await pilot.click(listing, offset=(3, y))
            await settle(app, pilot)
            assert inbox.open_id == row.id
            await pilot.click("#thread-header", offset=(3, 0))
            assert app.is_running and app.return_code is None and not rang
            assert_screen_safe(app)
        await still_responsive(app, pilot)


async def test_filter_query_with_markup_stays_text(build_hostile_app):
    """The filter query goes into the list's border title, which Textual parses as markup for a str."""
    app = await build_hostile_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("slash")
        box = inbox.filter
        for name in MARKUP_NAMES + ["osc52_bel", "c1_osc", "bidi_rlo", "zalgo", "emoji_zwj_family", "long_word"]:
            box.value = one_line(HOSTILE[name], 300)  # what can be typed: one line, no raw ESC (a key)
            await pilot.pause(0)
            assert app.is_running
            assert_screen_safe(app)
        for query in ("[/]", "[@click=app.quit]q[/]", "[link=https://evil.test]x[/link]", "[bold]"):
            box.value = query
            await pilot.pause()
            assert f"filter: {query[:12]}" in screen_text(app)
        await pilot.press("escape")
        await still_responsive(app, pilot)


async def paste(app, pilot, text: str) -> None:
    """As the terminal driver does: the app forwards the paste to the focused widget."""
    app.post_message(events.Paste(text))
    await pilot.pause(0)


async def test_pastes_into_our_text_boxes_are_sanitised(build_hostile_app):
    """A paste (copied from anywhere) may hold escape sequences: the compose box and dialogs drop them."""
    app = await build_hostile_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 50)) as pilot:
        inbox.open(row_for(app, "cjk").id)
        await settle(app, pilot)
        assert app.focused is inbox.compose.area
        everything = "\n".join(HOSTILE.values())
        await paste(app, pilot, everything)
        assert inbox.compose.text == sanitize(everything)
        inbox.compose.set_text("")
        expected = ""
        for name in ESCAPE_NAMES + MARKUP_NAMES:  # one at a time, each ending up on screen together
            await paste(app, pilot, HOSTILE[name] + "\n")
            expected += sanitize(HOSTILE[name] + "\n")
            assert inbox.compose.text == expected, name
        await pilot.pause()
        assert_screen_safe(app)
        inbox.compose.set_text("")
        await pilot.press("ctrl+t")
        await wait_until(lambda: isinstance(app.screen, TemplatePickerScreen), pilot)
        for name in ("osc52_bel", "csi_clear", "c1_csi", "bidi_rlo"):
            app.screen.query_one("#template-filter", Input).value = ""
            await paste(app, pilot, HOSTILE[name])
            assert not SCREEN_FORBIDDEN.search(app.screen.query_one("#template-filter", Input).value)
            assert_screen_safe(app)
        await pilot.press("escape")
        await wait_until(lambda: inbox.on_top(), pilot)
        inbox.list.focus()
        await pilot.press("N")
        await wait_until(lambda: not inbox.on_top(), pilot)
        dialog = app.screen
        hostile = HOSTILE["osc52_bel"] + HOSTILE["osc0_title"] + HOSTILE["c1_osc"]
        for field in ("#new-number", "#new-name", "#new-text"):
            dialog.query_one(field).focus()
            await paste(app, pilot, hostile)
            value = dialog.query_one(field).text if field == "#new-text" else dialog.query_one(field).value
            assert value == sanitize(hostile), field
        await pilot.pause()
        assert_screen_safe(app)
        await pilot.press("escape")  # the pasted text would be lost: asked first
        await wait_until(lambda: app.screen is not dialog, pilot)
        await pilot.press("y")
        await wait_until(lambda: inbox.on_top(), pilot)
        await still_responsive(app, pilot)


async def test_paste_into_the_filter_box_is_sanitised(build_hostile_app):
    app = await build_hostile_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("slash")
        await paste(app, pilot, HOSTILE["osc52_bel"])
        assert_screen_safe(app)
