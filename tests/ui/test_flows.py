"""Pilot flows of the inbox against the simulator over loopback."""

from __future__ import annotations

from sakari_tui.api import MessageStatus
from sakari_tui.sms.templates import unfilled
from sakari_tui.store.outbox import is_placeholder
from sakari_tui.sync import SendState
from sakari_tui.ui.inbox.commands import inbox_commands
from sakari_tui.ui.screens.confirm import ConfirmScreen

from ..support.factories import settings_for
from ..support.inbox import Inbox
from ..support.keyboard import type_text
from ..support.waiting import wait_until


async def test_inbox_lists_unread_first_with_counts(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        rows = inbox.rows
        unread = [r for r in rows if r.unread]
        assert unread and rows[: len(unread)] == unread
        assert not any(r.closed for r in rows)  # closed hidden by default
        assert inbox.list.border_title == f"Inbox {len(unread)} unread / {len(rows)}"
        await pilot.press("h")  # show closed
        assert any(r.closed for r in inbox.rows)


async def test_open_reply_sending_then_delivered(build_app, server, sim_clock):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(lambda r: not r.opted_out)
        await pilot.press("enter")
        assert inbox.open_id == row.id and app.focused is inbox.compose.area
        await wait_until(lambda: not app.store.inbox.is_unread(row.id), pilot)
        await type_text(pilot, "Your order ships today")
        assert "1 segment" in inbox.counter_text()
        await pilot.press("ctrl+s")
        assert inbox.compose.text == ""
        await wait_until(lambda: "Your order ships today" in inbox.thread_text(), pilot)
        await wait_until(lambda: not app.engine.pending, pilot)
        sent = [m for m in app.store.inbox.thread(row.id) if m.message == "Your order ships today"]
        assert sent and sent[0].status_kind is MessageStatus.QUEUED
        sim_clock.advance(10)
        inbox.sync_open_thread()
        await wait_until(lambda: "delivered" in inbox.thread_text() or "undelivered" in inbox.thread_text(), pilot)
        server_side = (
            [m for m in server.state.messages.values() if m.text == "Your order ships today"]
            if hasattr(next(iter(server.state.messages.values())), "text")
            else None
        )
        assert server_side is None or len(server_side) == 1


async def test_refused_send_keeps_text_and_reason_then_retry(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(lambda r: not r.opted_out)
        await pilot.press("enter")
        server.state.inject_inbound(row.number, "STOP", to=row.sender_number)  # the app does not know yet
        await type_text(pilot, "Are you there?")
        await pilot.press("ctrl+s")
        # The collision guard's read finds the STOP first; the second Ctrl+S sends anyway.
        await wait_until(lambda: inbox.held is not None, pilot)
        assert inbox.collision_text().startswith("The customer wrote again")
        await pilot.press("ctrl+s")
        await wait_until(lambda: any(p.state is SendState.FAILED for p in app.engine.pending.values()), pilot)
        await wait_until(lambda: "not sent:" in inbox.thread_text(), pilot)
        assert "R retries" in inbox.thread_text() and "Are you there?" in inbox.thread_text()
        server.state.inject_inbound(row.number, "START", to=row.sender_number)
        await pilot.press("escape")  # leave the compose box so R is a command, not a letter
        await pilot.press("R")
        await wait_until(lambda: not app.engine.pending, pilot)
        assert any(m.message == "Are you there?" for m in app.store.inbox.thread(row.id))


async def test_unknown_send_is_looked_for_then_resent_only_when_confirmed(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    now = [1_000_000.0]
    app.engine.clock = app.engine.delivery.clock = lambda: now[0]
    app.engine.delivery.reconcile_at = (0.0, 10.0)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox.select_row(lambda r: not r.opted_out)
        await pilot.press("enter")
        server.state.set_faults(error_rate=1.0)
        await type_text(pilot, "Hello?")
        await pilot.press("ctrl+s")
        await wait_until(lambda: any(p.state is SendState.UNKNOWN for p in app.engine.pending.values()), pilot)
        await wait_until(lambda: "checking whether it was sent" in inbox.thread_text(), pilot)
        server.state.set_faults(error_rate=0.0)
        for _ in range(100):  # what the poller does in the background, over the whole window
            if all(app.engine.gave_up(p) for p in app.engine.pending.values()):
                break
            now[0] += 30.0
            await app.poller.send_due()
            await pilot.pause(0.05)
        assert [m for m in server.state.messages.values() if m.text == "Hello?"] == []  # never resent by itself
        await wait_until(lambda: "before sending it again" in " ".join(inbox.thread_text().split()), pilot)
        assert "unknown, check before resending" in inbox.thread_text()
        await pilot.press("escape", "R")
        assert isinstance(app.screen, ConfirmScreen) and "Send it again anyway?" in app.screen.question
        await pilot.press("n")  # keep waiting: still nothing sent
        assert app.engine.pending and not [m for m in server.state.messages.values() if m.text == "Hello?"]
        await pilot.press("R", "y")
        await wait_until(lambda: not app.engine.pending, pilot)
        assert len([m for m in server.state.messages.values() if m.text == "Hello?"]) == 1


async def test_discard_puts_failed_text_back(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(lambda r: not r.opted_out)
        await pilot.press("enter")
        server.state.inject_inbound(row.number, "STOP", to=row.sender_number)
        await type_text(pilot, "Lost?")
        await pilot.press("ctrl+s")
        await wait_until(lambda: inbox.held is not None, pilot)  # the guard saw the STOP
        await pilot.press("ctrl+s")
        await wait_until(lambda: any(p.state is SendState.FAILED for p in app.engine.pending.values()), pilot)
        await pilot.press("escape", "D")
        assert app.engine.pending == {} and inbox.compose.text == "Lost?"


async def test_quit_with_a_send_in_flight_asks_first(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(lambda r: not r.opted_out)
        app.store.outbox.add(row.id, None, "still going", ())
        await pilot.press("q")
        assert app.screen.__class__.__name__ == "ConfirmScreen" and app.is_running
        await pilot.press("n")
        assert inbox.on_top() and app.is_running
        await pilot.press("q", "y")
        await pilot.pause()
    assert app.store.outbox.all()[0].text == "still going"  # kept for next time


async def test_refuses_empty_and_overlong_messages(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox.select_row(lambda r: not r.opted_out)
        await pilot.press("enter", "ctrl+s")
        assert not app.engine.pending
        inbox.compose.set_text("x" * 1531)  # 11 GSM-7 segments
        assert "too long" in inbox.counter_text()
        await pilot.press("ctrl+s")
        assert not app.engine.pending and len(inbox.compose.text) == 1531


async def test_ucs2_counter_names_the_character(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox.select_row(lambda r: not r.opted_out)
        await pilot.press("enter")
        await type_text(pilot, "Thanks ")
        assert "GSM-7 · 1 segment · 7/160" in inbox.counter_text()
        inbox.compose.insert("🙂")
        assert "UCS-2 (because of “🙂”) · 1 segment · 9/70" in inbox.counter_text()


async def test_template_insertion_fills_known_and_flags_unknown(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(lambda r: not r.opted_out and r.name and not r.name.startswith("+"))
        await pilot.press("enter", "ctrl+t")
        await wait_until(lambda: app.screen.__class__.__name__ == "TemplatePickerScreen", pilot)
        first_name = app.store.inbox.conversation(row.id).contact.first_name
        templates = app.screen.templates
        with_first = next(t for t in templates if "firstName" in (t.template or "") and "orderNumber" not in t.template)
        await type_text(pilot, with_first.name.split()[0][:6])
        await pilot.press("enter")
        await wait_until(lambda: app.screen.__class__.__name__ != "TemplatePickerScreen", pilot)
        assert first_name in inbox.compose.text and not unfilled(inbox.compose.text)

        await app.engine.client.create_template(
            {"name": "Coupon", "template": "Hi {{ firstName }}, use {{ couponCode }} today", "type": "SMS"}
        )
        inbox.compose.set_text("")
        await pilot.press("ctrl+t")
        await wait_until(lambda: app.screen.__class__.__name__ == "TemplatePickerScreen", pilot)
        await type_text(pilot, "coupon")
        assert "couponCode" in str(app.screen.query_one("#template-warning").render())
        await pilot.press("enter")
        await wait_until(lambda: app.screen.__class__.__name__ != "TemplatePickerScreen", pilot)
        assert inbox.compose.text.startswith(f"Hi {first_name}, use ")
        assert unfilled(inbox.compose.text) == ("couponCode",)
        assert "not filled: couponCode" in inbox.counter_text()
        await pilot.press("ctrl+s")  # first press warns and does not send
        assert not app.engine.pending and inbox.compose.text
        await pilot.press("ctrl+s")  # second press sends as is
        assert inbox.compose.text == ""


async def test_close_with_undo_then_close(build_app, server):
    app = await build_app(undo=30.0)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(lambda r: not r.closed)
        await pilot.press("x")
        assert row.id in inbox.pending_closes
        await pilot.press("u")
        assert row.id not in inbox.pending_closes
        app.settings.ui.close_undo_seconds = 0.0
        await pilot.press("x")
        await wait_until(lambda: app.store.inbox.conversation(row.id).closed, pilot)
        assert row.id not in [r.id for r in inbox.rows]  # hidden: show_closed is off


async def test_quit_carries_out_pending_closes(build_app, server):
    app = await build_app(undo=30.0)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(lambda r: not r.closed)
        await pilot.press("x", "q")
    assert app.store.inbox.conversation(row.id).closed


async def test_next_unread_opens_and_marks_read(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        first_unread = [r.id for r in inbox.rows if r.unread]
        await pilot.press("n")
        assert inbox.open_id in first_unread
        opened = inbox.open_id
        await wait_until(lambda: not app.store.inbox.is_unread(opened), pilot)
        await pilot.press("escape", "n")
        assert inbox.open_id != opened and inbox.open_id in first_unread


async def test_filter_by_name_number_text_and_escape_clears(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        total = len(inbox.rows)
        target = next(r for r in inbox.rows if r.name and " " in r.name and r.name.isascii())
        await pilot.press("slash")
        await type_text(pilot, target.name.split()[1].lower())
        assert target.id in [r.id for r in inbox.rows]
        assert len(inbox.rows) < total
        await pilot.press("enter")  # back to the list, filter kept
        assert app.focused is inbox.list and inbox.filter_query
        await pilot.press("escape")
        assert len(inbox.rows) == total and inbox.filter_query == ""


async def test_new_conversation_validates_number_then_sends(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("N")
        await type_text(pilot, "12345")
        await pilot.press("tab")
        await type_text(pilot, "Nia")
        await pilot.press("space")
        await type_text(pilot, "Brown")
        await pilot.press("tab")
        await type_text(pilot, "Hello")
        await pilot.press("space")
        await type_text(pilot, "Nia")
        await pilot.press("ctrl+s")
        error = str(app.screen.query_one("#new-error").render())
        assert "not a valid phone number" in error
        number_input = app.screen.query_one("#new-number")
        number_input.value = "(415) 555-0142"
        await pilot.press("ctrl+s")
        # The thread opens at once under a placeholder, then moves to the conversation Sakari opened.
        await wait_until(lambda: inbox.open_id is not None and not is_placeholder(inbox.open_id), pilot)
        conversation = app.store.inbox.conversation(inbox.open_id)
        assert conversation.contact.mobile.number == "+14155550142"
        assert conversation.contact.first_name == "Nia"
        assert app.store.inbox.thread(inbox.open_id)[-1].message == "Hello Nia"


async def test_opted_out_contact_cannot_be_texted(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox.select_row(lambda r: r.opted_out)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert "opted out" in inbox.header_text()
        assert inbox.compose.area.disabled
        inbox.send()
        assert not app.engine.pending


async def test_inbound_text_arrives_live_in_open_thread(build_app, server):
    app = await build_app(poll=True)
    inbox = Inbox(app)
    app.settings.sync.poll_interval = 1.0
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(lambda r: not r.opted_out and not r.closed)
        await pilot.press("enter")
        server.state.inject_inbound(row.number, "Is anyone there?", to=row.sender_number)
        app.poller.wake()
        await wait_until(lambda: "Is anyone there?" in inbox.thread_text(), pilot, timeout=8)
        assert "online" in inbox.status_text()


async def test_offline_status_then_recovery(build_app, server):
    app = await build_app(poll=True)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: "online" in inbox.status_text(), pilot)
        server.state.set_faults(error_rate=1.0)
        app.poller.wake()
        await wait_until(lambda: "offline, retrying in" in inbox.status_text(), pilot)
        server.state.set_faults(error_rate=0.0)
        app.poller.wake()
        await wait_until(lambda: "online" in inbox.status_text(), pilot)


async def test_key_overrides_by_binding_id(build_app, server):
    settings = settings_for(server)
    settings.keys = {"app.next_unread": "ctrl+u"}
    app = await build_app(settings=settings)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+u")
        assert inbox.open_id is not None


async def test_drafts_follow_their_conversation(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        rows = [r for r in inbox.rows if not r.opted_out][:2]
        inbox.open(rows[0].id)
        await type_text(pilot, "draft for one")
        inbox.open(rows[1].id)
        assert inbox.compose.text == ""
        assert app.store.drafts.get(rows[0].id) == "draft for one"
        inbox.open(rows[0].id)
        assert inbox.compose.text == "draft for one"
        await wait_until(lambda: inbox.row(rows[0].id).has_draft, pilot)  # the row follows the draft's event


async def test_command_palette_lists_actions(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox.select_row(lambda r: not r.opted_out)
        await pilot.press("enter")  # the palette offers what applies: Send and Templates need an open conversation
        titles = inbox.command_titles()
        for wanted in ("Send", "Next unread", "Close", "Templates", "New", "Refresh"):
            assert wanted in titles


async def test_view_toggles_last_the_session_until_saved_and_the_theme_is_written_back(build_app, server, tmp_path):
    import tomllib

    path = tmp_path / "config.toml"
    path.write_text('[sakari]\naccount_id = "kept"\n')
    app = await build_app(settings_path=path)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h", "o")  # single letters, easily pressed by mistake: this session only
        assert "Showing closed conversations · h hides them." in inbox.notifications()
        assert "Newest first · o puts unread conversations first." in inbox.notifications()
        app.theme = "nord"
        await pilot.pause()
    written = tomllib.loads(path.read_text())
    assert written["ui"] == {"theme": "nord"} and written["sakari"] == {"account_id": "kept"}
    app = await build_app(settings_path=path)
    app.settings.ui.show_closed, app.settings.ui.unread_first = True, False  # as toggled again
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        save = next(run for title, _, run in inbox_commands(inbox.inbox_screen) if "as default" in title)
        save()  # the palette's "Save the list view as default"
        await pilot.pause()
    written = tomllib.loads(path.read_text())
    assert written["ui"] == {"show_closed": True, "unread_first": False, "theme": "nord"}
    assert written["sakari"] == {"account_id": "kept"}


async def test_unknown_theme_falls_back_with_a_notice(build_app, server):
    settings = settings_for(server)
    settings.ui.theme = "no-such-theme"
    app = await build_app(settings=settings)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme != "no-such-theme"
        assert any("not installed" in n for n in inbox.notifications())


async def test_help_shows_the_focused_areas_keys_first_and_question_mark_closes_it(build_app):
    from sakari_tui.ui.screens.help import HelpScreen

    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await wait_until(lambda: isinstance(app.screen, HelpScreen), pilot)
        titles = [section.title for section in app.screen.sections]
        assert titles[0] == "Conversation list" and titles[-1] == "Terminal"  # Textual's own keys last
        first = dict((does, keys) for keys, does in app.screen.sections[0].keys)
        assert first["Next unread"] == "n" and first["Open"] == "⏎"
        await pilot.press("question_mark")
        await wait_until(inbox.on_top, pilot)
        inbox.select_row(lambda r: not r.opted_out and not r.closed)
        await pilot.press("enter", "f1")  # writing a reply (where ? is text): the reply's keys first
        await wait_until(lambda: isinstance(app.screen, HelpScreen), pilot)
        assert app.screen.sections[0].title.startswith("Reply")
        assert ("^s", "Send") in app.screen.sections[0].keys


async def test_long_thread_opens_at_newest_and_loads_older_on_scroll_up(build_app, server):
    from sakari_tui.ui.inbox import thread_pane as app_module

    app = await build_app()
    inbox = Inbox(app)
    app_module_window = app_module.THREAD_WINDOW
    async with app.run_test(size=(120, 40)) as pilot:
        longest = max(
            server.state.conversations,
            key=lambda cid: sum(1 for m in server.state.messages.values() if m.conversation_id == cid),
        )
        total = sum(1 for m in server.state.messages.values() if m.conversation_id == longest)
        assert total > app_module_window
        inbox.open(longest)
        await wait_until(lambda: app.store.inbox.message_count(longest) >= 50, pilot)
        await app.workers.wait_for_complete()
        await wait_until(lambda: inbox.thread.is_vertical_scroll_end, pilot)  # opens at the newest message
        shown = len(inbox.thread.bubbles)
        for _ in range(6):
            inbox.thread.scroll_home(animate=False, immediate=True)
            await pilot.pause(0.1)
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            if len(inbox.thread.bubbles) > shown:
                break
        assert len(inbox.thread.bubbles) > shown or app.store.inbox.message_count(longest) > shown


async def test_media_links_are_shown_as_links(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        with_media = next(
            m for m in server.state.messages.values() if m.media and m.media[0]["url"].startswith("/_sim/")
        )
        inbox.open(with_media.conversation_id)
        await wait_until(lambda: any(b.media for b in inbox.thread.bubbles), pilot)
        url = next(b.media[0].url for b in inbox.thread.bubbles if b.media and b.media[0].openable)
        linked = [seg for strip in inbox.thread._lines for seg in strip if seg.style and seg.style.link]
        assert url.startswith("http") and any(seg.style.link == url for seg in linked)


async def test_new_inbound_rings_the_bell_and_goes_to_the_top(build_app, server, monkeypatch):
    app = await build_app()
    inbox = Inbox(app)
    rings = []
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=(120, 40)) as pilot:
        oldest = app.store.inbox.rows(unread_first=False)[-1]
        server.state.inject_inbound(oldest.number, "Hello? Anyone?", to=oldest.sender_number)
        await pilot.press("r")
        await app.poller.cycle()
        await wait_until(lambda: rings, pilot)
        await wait_until(lambda: inbox.rows[0].last_text == "Hello? Anyone?", pilot)
        assert inbox.rows[0].unread


async def test_bell_can_be_turned_off(build_app, server, monkeypatch):
    settings = settings_for(server)
    settings.notifications.bell = False
    app = await build_app(settings=settings)
    rings = []
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=(120, 40)) as pilot:
        row = app.store.inbox.rows()[0]
        server.state.inject_inbound(row.number, "ping", to=row.sender_number)
        await app.poller.cycle()
        await pilot.pause(0.2)
        assert rings == []


async def test_startup_warnings_are_shown(build_app):
    app = await build_app(warnings=["/x/config.toml holds the client secret but other users can read it."])
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert any("other users can read it" in n for n in inbox.notifications())


async def test_a_crash_shows_one_sentence_without_locals(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    secret = server.client_secret

    def explode():
        token = f"Bearer {secret}"  # noqa: F841  (a local that Textual's own report would print)
        raise RuntimeError("boom")

    inbox.replace_command("next_unread", explode)
    shown = []
    original = app._print_error_renderables

    def capture():
        shown.extend(str(r) for r in app._exit_renderables)
        original()

    app._print_error_renderables = capture
    with __import__("pytest").raises(RuntimeError):
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("n")
            await pilot.pause()
    rendered = " ".join(shown) + " ".join(str(r) for r in app._exit_renderables)
    assert "sakari-tui stopped unexpectedly (RuntimeError)" in rendered
    assert secret not in rendered and "boom" not in rendered  # an error's text may quote stored data


async def test_muted_conversation_does_not_ring(build_app, server, monkeypatch):
    app = await build_app()
    inbox = Inbox(app)
    rings = []
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(lambda r: not r.opted_out and not r.closed)
        await pilot.press("m")
        assert app.store.inbox.is_muted(row.id)
        assert inbox.row(row.id).muted
        server.state.inject_inbound(row.number, "muted ping", to=row.sender_number)
        await app.poller.cycle()
        await pilot.pause(0.2)
        assert rings == []
        await pilot.press("m")
        assert not app.store.inbox.is_muted(row.id)
