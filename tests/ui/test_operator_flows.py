"""Operator flows of the real app against the simulator: opt-outs, keywords, cost and quiet-hours
guards, search, the contact panel, the template manager, alerts and the external editor."""

from __future__ import annotations

import shlex
import sys
from datetime import datetime, timedelta, timezone
from datetime import time as clock_time
from zoneinfo import ZoneInfo

import pytest

from sakari_tui.api.models import OPTED_OUT_TAG
from sakari_tui.sms.quiet_hours import recipient_time_zones
from sakari_tui.ui.app import SakariApp
from sakari_tui.ui.clock import FrozenClock
from sakari_tui.ui.screens.confirm import ConfirmScreen, SendAnywayScreen
from sakari_tui.ui.screens.edit_contact import EditContactScreen
from sakari_tui.ui.screens.search import SearchScreen
from sakari_tui.ui.screens.templates import TemplatesScreen
from sakari_tui.ui.widgets.bubbles import KEYWORD_NOTES, LIKE_OPT_OUT_NOTE

from ..support.factories import contact, settings_for
from ..support.inbox import Inbox
from ..support.keyboard import type_text
from ..support.waiting import wait_until

# --- helpers -------------------------------------------------------------------------------------


def plain(widget) -> str:
    return str(widget.render())


def server_texts(server, conversation_id: str) -> list[str]:
    with server.state.lock:
        return [m.text for m in server.state.messages.values() if m.conversation_id == conversation_id]


def server_contact(server, contact_id: str):
    with server.state.lock:
        return server.state.contacts[contact_id]


def longest_name(app, conversation_id: str) -> str:
    return app.store.inbox.rows_by_id([conversation_id])[conversation_id].name.lower()


def ordinary(row) -> bool:
    """An open conversation with a named, reachable contact (no opt-out, no odd scripts)."""
    return not row.opted_out and not row.closed and bool(row.name) and row.name.isascii() and " " in row.name


def _recent_local(number: str, at: clock_time) -> datetime:
    """The most recent past instant that is `at` o'clock in the number's (single) zone, in UTC."""
    zone = ZoneInfo(recipient_time_zones(number)[0])
    now = datetime.now(zone)
    moment = datetime.combine(now.date(), at, tzinfo=zone)
    if moment > now:
        moment -= timedelta(days=1)
    return moment.astimezone(timezone.utc)


def single_zone(row) -> bool:
    return ordinary(row) and len(recipient_time_zones(row.number)) == 1


# --- 1. opted-out contact ------------------------------------------------------------------------


async def test_opted_out_contact_shows_the_banner_and_ctrl_s_sends_nothing(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(lambda r: r.opted_out and not r.closed)
        before = server_texts(server, row.id)
        await pilot.press("enter")
        await wait_until(lambda: "opted out" in inbox.header_text(), pilot)
        assert "⊘ opted out: texts to this contact are refused" in inbox.header_text()
        assert inbox.compose.area.disabled
        assert "Replies are off: this contact opted out" in inbox.counter_text()
        inbox.compose.set_text("Are you still there?")  # as if pasted in despite the lock
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert any("opted out" in n for n in inbox.notifications())
        assert not app.engine.pending
        assert inbox.compose.text == "Are you still there?"
        assert server_texts(server, row.id) == before


# --- 2. keywords ---------------------------------------------------------------------------------


async def test_keyword_notes_opt_out_flag_and_marking_opted_out(build_app, server, sim_clock):
    first = await build_app()  # only to find an ordinary conversation as the app lists it
    async with first.run_test(size=(120, 40)):
        row = next(r for r in Inbox(first).rows if ordinary(r))
    for text in ("STOP", "START", "HELP", "please stop texting me"):
        sim_clock.advance(1)
        server.state.inject_inbound(row.number, text, to=row.sender_number)
    assert not server_contact(server, row.contact_id).blocked_at  # START opted them back in

    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox.select(row.id)
        await pilot.press("enter")
        assert inbox.open_id == row.id

        def bubble(text):
            return next((b for b in inbox.thread.bubbles if b.text == text and not b.outgoing), None)

        await wait_until(lambda: all(bubble(t) for t in ("STOP", "START", "HELP", "please stop texting me")), pilot)
        assert bubble("STOP").note == KEYWORD_NOTES["opt-out"] == "STOP keyword: Sakari opts the contact out"
        assert bubble("START").note == KEYWORD_NOTES["opt-in"]
        assert bubble("HELP").note == KEYWORD_NOTES["help"]
        assert bubble("please stop texting me").note == LIKE_OPT_OUT_NOTE
        assert "reads like an opt-out request" in inbox.thread_text()
        await wait_until(lambda: "their last text reads like an opt-out" in inbox.header_text(), pilot)
        assert not inbox.compose.area.disabled and "opted out:" not in inbox.header_text()

        await pilot.press("escape")  # to the list: O is a command there, not a letter
        await pilot.press("O")
        await wait_until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        assert "opted-out" in app.screen.question
        await pilot.press("y")
        await wait_until(
            lambda: any(t["tag"] == OPTED_OUT_TAG for t in server_contact(server, row.contact_id).tags), pilot
        )
        await wait_until(lambda: inbox.compose.area.disabled, pilot)
        assert "⊘ opted out: texts to this contact are refused" in inbox.header_text()
        assert "reads like an opt-out ·" not in inbox.header_text()
        assert inbox.row(row.id).opted_out


# --- 3. encoding ---------------------------------------------------------------------------------


async def test_curly_quotes_force_ucs2_then_ctrl_g_folds_and_ctrl_z_restores(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox.select_row(ordinary)
        await pilot.press("enter")
        assert app.focused is inbox.compose.area
        original = "Don’t forget “Friday”"
        await type_text(pilot, original)
        assert inbox.compose.text == original
        shown = inbox.counter_text()
        assert shown.startswith("UCS-2 (because of “’”, ““”, “””)") and "1 segment" in shown and "/70" in shown
        assert "≈ $" in shown and "Ctrl+G → GSM-7" in shown

        await pilot.press("ctrl+g")
        assert inbox.compose.text == 'Don\'t forget "Friday"'
        shown = inbox.counter_text()
        assert shown.startswith("GSM-7 · 1 segment") and "/160" in shown and "≈ $" in shown
        assert any("now GSM-7" in n and "Ctrl+Z" in n for n in inbox.notifications())

        await pilot.press("ctrl+z")
        assert inbox.compose.text == original
        assert inbox.counter_text().startswith("UCS-2")


# --- 4. segment confirmation ---------------------------------------------------------------------


async def test_long_reply_asks_first_then_sends_on_yes(build_app, server):
    settings = settings_for(server)
    settings.compose.confirm_over_segments = 1
    settings.compose.quiet_hours = False  # only the segment question, whatever the time of day
    app = await build_app(settings=settings)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(ordinary)
        await pilot.press("enter")
        text = ("Your replacement parcel left the warehouse today. " * 4)[:200]
        assert len(text) == 200
        inbox.compose.set_text(text)
        assert "2 segments" in inbox.counter_text()
        before = server_texts(server, row.id)

        await pilot.press("ctrl+s")
        await wait_until(lambda: isinstance(app.screen, SendAnywayScreen), pilot)
        assert "This reply is 2 segments" in app.screen.question and "≈ $" in app.screen.question
        await pilot.press("y")  # typed on after Ctrl+S: not an answer
        await pilot.pause(0.1)
        assert isinstance(app.screen, SendAnywayScreen)
        await pilot.press("escape")
        await wait_until(lambda: inbox.on_top(), pilot)
        assert inbox.compose.text == text
        await pilot.pause(0.2)
        assert not app.engine.pending and server_texts(server, row.id) == before

        await pilot.press("ctrl+s")
        await wait_until(lambda: isinstance(app.screen, SendAnywayScreen), pilot)
        await pilot.press("ctrl+s")
        await wait_until(lambda: text in server_texts(server, row.id), pilot)
        assert inbox.compose.text == ""
        assert server_texts(server, row.id).count(text) == 1


# --- 5. quiet hours ------------------------------------------------------------------------------


async def test_quiet_hours_ask_at_night_and_can_be_turned_off(build_app, server):
    scout = await build_app()
    async with scout.run_test(size=(120, 40)):
        row = next(r for r in Inbox(scout).rows if single_zone(r))
    zone = recipient_time_zones(row.number)[0]
    night = _recent_local(row.number, clock_time(3, 0))
    assert night.astimezone(ZoneInfo(zone)).hour == 3

    app = await build_app(clock=FrozenClock(night), settings=settings_for(server, quiet_hours=True))
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox.select(row.id)
        await pilot.press("enter")
        assert inbox.open_id == row.id
        before = server_texts(server, row.id)
        await type_text(pilot, "Your table is booked")
        await pilot.press("ctrl+s")
        await wait_until(lambda: isinstance(app.screen, SendAnywayScreen), pilot)
        question = app.screen.question
        assert "outside 08:00–21:00" in question and "It is 03:00 for" in question and zone in question
        await pilot.press("escape")
        await wait_until(lambda: inbox.on_top(), pilot)
        assert inbox.compose.text == "Your table is booked"
        assert server_texts(server, row.id) == before

        app.settings.compose.quiet_hours = False
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert inbox.on_top() and inbox.compose.text == ""
        await wait_until(lambda: "Your table is booked" in server_texts(server, row.id), pilot)


# --- 6. search -----------------------------------------------------------------------------------


async def test_search_finds_an_old_message_opens_it_in_view_and_slash_still_filters(build_app, server):
    word = "zanzibarquokka"
    with server.state.lock:
        longest = max(
            (c for c in server.state.conversations.values() if c.is_open),
            key=lambda c: len(c.message_ids),
        )
        assert len(longest.message_ids) > 100
        old_id = longest.message_ids[10]  # far older than the 30 messages a thread opens with
        server.state.messages[old_id].text = f"About the {word} order you asked for"
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        # The whole thread in the cache, as after scrolling back through it once (the engine's
        # events reach the app, so this runs inside it).
        engine = app.engine
        await engine.sync_thread(longest.id)
        while engine.older_available.get(longest.id):
            await engine.load_older(longest.id)
        assert app.store.inbox.message_count(longest.id) == len(longest.message_ids)
        assert app.store.inbox.messages_since(longest.id, old_id) > 100
        total = len(inbox.rows)
        await pilot.press("ctrl+f")
        await wait_until(lambda: isinstance(app.screen, SearchScreen), pilot)
        search = app.screen
        await type_text(pilot, word)
        await wait_until(lambda: search.searched_for == word, pilot)
        assert [(h.kind, h.conversation_id, h.message_id) for h in search.hits] == [("message", longest.id, old_id)]
        assert "1 message" in plain(search.query_one("#search-status"))
        await pilot.press("enter")
        await wait_until(lambda: inbox.on_top() and inbox.open_id == longest.id, pilot)
        assert inbox.thread.found_key == old_id
        log = inbox.thread

        def in_view() -> bool:
            row = log._rows.get(old_id)
            top = int(log.scroll_offset.y)
            return row is not None and top <= row < top + log.size.height

        await wait_until(in_view, pilot)
        await pilot.pause(0.3)  # the thread sync after opening must not pull it back to the newest
        assert in_view(), (log._rows.get(old_id), log.scroll_offset.y, log.size.height)
        assert any(b.key == old_id and word in b.text for b in log.bubbles)

        await pilot.press("escape")  # back to the list
        target = next(r for r in inbox.rows if ordinary(r) and r.id != longest.id)
        surname = target.name.split()[-1].lower()
        await pilot.press("slash")
        await type_text(pilot, surname)
        assert inbox.on_top() and inbox.filter.display
        await wait_until(lambda: len(inbox.rows) < total, pilot)
        assert target.id in inbox.rows.ids and inbox.filter_query == surname
        assert longest.id not in inbox.rows.ids or surname in longest_name(app, longest.id)


# --- 7. contact panel ----------------------------------------------------------------------------


async def test_contact_panel_replaces_the_thread_when_narrow_and_edits_save(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(80, 24)) as pilot:
        row = inbox.select_row(lambda r: ordinary(r) and r.contact_id)
        await pilot.press("enter")
        record = server_contact(server, row.contact_id)
        await pilot.press("escape", "c")
        panel = inbox.contact_panel
        assert panel.display and app.focused is panel
        assert inbox.thread_pane.display is False
        assert panel.region.width > 34 and panel.region.right == app.size.width  # it fills the thread's place
        await wait_until(lambda: record.first_name in plain(panel.query_one("#contact-name")), pilot)
        body = plain(panel.query_one("#contact-body"))
        assert f"{record.first_name} {record.last_name}" in plain(panel.query_one("#contact-name"))
        assert (record.email or "—") in body and "Email" in body

        await pilot.press("e")
        await wait_until(lambda: isinstance(app.screen, EditContactScreen), pilot)
        app.screen.query_one("#contact-email").value = "new.address@example.org"
        await pilot.press("ctrl+s")
        await wait_until(lambda: server_contact(server, row.contact_id).email == "new.address@example.org", pilot)
        await wait_until(lambda: inbox.on_top(), pilot)
        await wait_until(lambda: "new.address@example.org" in plain(panel.query_one("#contact-body")), pilot)
        assert server_contact(server, row.contact_id).first_name == record.first_name  # the rest kept
        assert app.store.inbox.contact(row.contact_id).email == "new.address@example.org"

        assert app.focused is panel  # back from the dialog
        await pilot.press("c")
        assert not panel.display and inbox.thread_pane.display is True


async def test_opening_another_conversation_from_the_narrow_panel_shows_its_thread(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "escape", "c")
        assert inbox.contact_panel.display and not inbox.thread_pane.display
        first = inbox.open_id
        await pilot.press("escape", "j", "enter")
        await type_text(pilot, "hello")
        assert inbox.open_id != first
        assert inbox.thread_pane.display and not inbox.contact_panel.display
        assert app.focused is inbox.compose.area and inbox.compose.text == "hello"

        await pilot.press("escape", "c")  # the panel again, in the thread's place
        assert not inbox.thread_pane.display
        await pilot.press("i")  # to the compose box: the thread comes back first
        assert inbox.thread_pane.display and app.focused is inbox.compose.area

        await pilot.press("escape", "c")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert inbox.contact_panel.display and inbox.thread_pane.display  # side by side
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert inbox.contact_panel.display and not inbox.thread_pane.display


# --- 8. templates manager ------------------------------------------------------------------------


async def test_templates_manager_creates_a_template_on_the_server(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        before = len(server.state.templates)
        await pilot.press("T")
        await wait_until(lambda: isinstance(app.screen, TemplatesScreen) and app.screen.loaded, pilot)
        screen = app.screen
        assert len(screen.templates) == before
        await pilot.press("n")
        assert screen.editing
        await type_text(pilot, "Weekend")
        await pilot.press("enter")
        await type_text(pilot, "Open Sat 10")
        assert "Open Sat 10" in plain(screen.query_one("#tpl-preview"))
        await pilot.press("ctrl+s")
        await wait_until(lambda: not screen.editing, pilot)
        with server.state.lock:
            saved = [t for t in server.state.templates.values() if t.name == "Weekend"]
        assert len(saved) == 1 and saved[0].template == "Open Sat 10"
        assert any(t.id == saved[0].id for t in screen.templates)
        assert len(server.state.templates) == before + 1
        assert not app.engine.pending and inbox.on_top() is False  # still in the manager
        await pilot.press("escape")
        await wait_until(lambda: inbox.on_top(), pilot)


# --- 9. alerts -----------------------------------------------------------------------------------


@pytest.fixture
def terminal_writes(monkeypatch):
    """What the app writes to the terminal for notifications (patched on the class: the fixture
    runs before the app exists)."""
    written: list[str] = []
    monkeypatch.setattr(SakariApp, "write_terminal", lambda self, sequence: written.append(sequence))
    monkeypatch.setattr(SakariApp, "bell", lambda self: None)
    return written


def hook_settings(server, tmp_path):
    script = tmp_path / "hook.py"
    out = tmp_path / "hook.out"
    script.write_text(
        "import os, sys\n"
        "with open(sys.argv[1], 'a', encoding='utf-8') as f:\n"
        "    f.write(os.environ['SAKARI_MESSAGE_TEXT'] + '|' + os.environ['SAKARI_CONTACT_NUMBER'] + '\\n')\n"
    )
    settings = settings_for(server)
    settings.notifications.hook_text = "raw"  # the test checks the bytes reach the hook as sent
    settings.notifications.terminal = "osc9"
    settings.notifications.on_message = " ".join(shlex.quote(p) for p in (sys.executable, str(script), str(out)))
    return settings, out


def hook_lines(out) -> list[str]:
    return out.read_text(encoding="utf-8").splitlines() if out.exists() else []


async def test_new_text_writes_osc9_runs_the_hook_and_muted_stays_silent(build_app, server, tmp_path, terminal_writes):
    settings, out = hook_settings(server, tmp_path)
    app = await build_app(settings=settings)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        rows = [r for r in inbox.rows if ordinary(r)]
        loud, muted = rows[0], rows[1]

        server.state.inject_inbound(loud.number, "Is it ready; today?\x1b[31m", to=loud.sender_number)
        app.poller.wake()
        await app.poller.cycle()
        await wait_until(lambda: terminal_writes, pilot)
        assert len(terminal_writes) == 1
        sequence = terminal_writes[0]
        assert sequence.startswith("\x1b]9;") and sequence.endswith("\x07")
        assert "Is it ready, today?[31m" in sequence and loud.name in sequence
        assert "\x1b" not in sequence[1:] and ";" not in sequence[4:]
        await wait_until(lambda: hook_lines(out), pilot)
        assert hook_lines(out) == [f"Is it ready; today?\x1b[31m|{loud.number}"]  # the hook gets it raw

        inbox.list.focus()
        inbox.select(muted.id)
        await pilot.press("m")
        assert app.store.inbox.is_muted(muted.id)
        server.state.inject_inbound(muted.number, "Quiet one here", to=muted.sender_number)
        app.poller.wake()
        await app.poller.cycle()
        await wait_until(lambda: app.store.inbox.rows_by_id([muted.id])[muted.id].last_text == "Quiet one here", pilot)
        await pilot.pause(0.5)
        assert len(terminal_writes) == 1 and len(hook_lines(out)) == 1


async def test_first_sync_into_an_empty_store_is_not_news_but_the_next_text_is(
    build_app, server, tmp_path, terminal_writes
):
    settings, out = hook_settings(server, tmp_path)
    app = await build_app(settings=settings, sync=False)
    inbox = Inbox(app)
    assert app.store.inbox.count() == 0 and app.inbox.alerts.quiet_backlog
    async with app.run_test(size=(120, 40)) as pilot:
        await app.poller.cycle()  # the app's own first sync: every conversation of the account
        await wait_until(lambda: len(inbox.rows) > 0, pilot)
        assert app.store.inbox.count() == len(server.state.conversations)
        await pilot.pause(0.5)
        assert terminal_writes == [] and hook_lines(out) == []

        row = next(r for r in inbox.rows if ordinary(r))
        server.state.inject_inbound(row.number, "Arrived after the first walk", to=row.sender_number)
        app.poller.wake()
        await app.poller.cycle()
        await wait_until(lambda: terminal_writes and hook_lines(out), pilot)
        assert len(terminal_writes) == 1 and "Arrived after the first walk" in terminal_writes[0]
        assert hook_lines(out) == [f"Arrived after the first walk|{row.number}"]


# --- 10. external editor, headless ---------------------------------------------------------------


async def test_ctrl_o_headless_says_it_cannot_and_keeps_the_draft(build_app, monkeypatch):
    monkeypatch.setenv("VISUAL", f"{sys.executable} -c pass")  # never started: nowhere to hand the terminal
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(ordinary)
        await pilot.press("enter")
        await type_text(pilot, "Half a reply")
        await pilot.press("ctrl+o")
        await pilot.pause()
        shown = [n for n in inbox.notifications() if "editor" in n]
        assert shown == ["Cannot hand the terminal to an editor here; write the reply in the box."]
        assert inbox.compose.text == "Half a reply" and inbox.open_id == row.id
        await wait_until(lambda: app.store.drafts.get(row.id) == "Half a reply", pilot)


async def test_templates_fill_from_the_cached_contact_but_never_from_a_bare_stop_stub(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)):
        row = app.store.inbox.rows()[0]
        conversation = app.store.inbox.conversation(row.id)
        contact_id = conversation.contact.id
        full = contact(contact_id, firstName="Ada", attributes={"orderNumber": "77"})
        app.store.inbox.merge_contact(full)
        assert inbox.contact_of(conversation).attributes == {"orderNumber": "77"}  # attributes fill templates
        stub = contact(contact_id)  # what an inbound STOP leaves behind
        app.store.inbox.merge_contact(stub)
        assert inbox.contact_of(conversation) == conversation.contact  # the name still comes through
