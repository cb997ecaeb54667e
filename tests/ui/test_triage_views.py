"""Issue 14, triage in the inbox: keys 1–6 switch views (title with counts, Needs reply's waits),
U marks unread until opened, z snoozes (presets, a typed time, Unsnooze) and rows move."""

from __future__ import annotations

from sakari_tui.store.views import View
from sakari_tui.ui.screens.snooze import SnoozeScreen

from ..support.inbox import Inbox
from ..support.waiting import wait_until


def needs_reply_ids(app) -> list[str]:
    return [row.id for row in app.store.inbox.rows(view=View.NEEDS_REPLY)]


async def test_keys_one_to_six_switch_views_with_counts_in_the_title(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert inbox.view is View.ALL and inbox.list_title().startswith("Inbox ")
        await pilot.press("1")
        expected = needs_reply_ids(app)
        await wait_until(lambda: inbox.view is View.NEEDS_REPLY, pilot)
        assert expected and [row.id for row in inbox.rows] == expected  # oldest wait first
        assert inbox.list_title().startswith(f"Needs reply {len(expected)}")
        assert all(" waiting " in line for line in inbox.drawn_first_lines())
        for key, view in (("2", View.WAITING), ("3", View.SNOOZED), ("4", View.FAILED), ("5", View.SCHEDULED)):
            await pilot.press(key)
            await wait_until(lambda view=view: inbox.view is view, pilot)
            assert inbox.list_title().startswith(f"{view.title} {len(inbox.rows)}")
        await pilot.press("6")
        await wait_until(lambda: inbox.view is View.ALL, pilot)
        assert inbox.list_title().startswith("Inbox ")
        assert "View: Needs reply" in inbox.command_titles()


async def test_the_default_view_is_a_setting(build_app, server):
    from ..support.factories import settings_for

    settings = settings_for(server)
    settings.triage.default_view = "needs-reply"
    app = await build_app(settings=settings)
    inbox = Inbox(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert inbox.view is View.NEEDS_REPLY and inbox.list_title().startswith("Needs reply ")
        assert len(inbox.list_title()) < 60  # readable at 80 columns


async def test_U_marks_unread_until_opened(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        row = inbox.select_row(lambda r: not r.unread)
        await pilot.press("U")
        await wait_until(lambda: inbox.row(row.id).unread, pilot)
        assert inbox.row(row.id).marked_unread
        inbox.open(row.id)
        await wait_until(lambda: not inbox.row(row.id).unread, pilot)


async def test_z_snoozes_out_of_needs_reply_and_z_again_unsnoozes(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await wait_until(lambda: inbox.view is View.NEEDS_REPLY and len(inbox.rows) > 0, pilot)
        first = inbox.rows.ids[0]
        inbox.select(first)
        await pilot.press("z")
        await wait_until(lambda: isinstance(app.screen, SnoozeScreen), pilot)
        await pilot.press("enter")  # the first preset: 1 hour
        await wait_until(lambda: first not in inbox.rows.ids, pilot)
        assert any(message.startswith("Snoozed until ") for message in inbox.notifications())
        await pilot.press("3")
        await wait_until(lambda: inbox.rows.ids == [first], pilot)
        inbox.select(first)
        await pilot.press("z")
        await wait_until(lambda: isinstance(app.screen, SnoozeScreen), pilot)
        await pilot.press("enter")  # Unsnooze comes first for a snoozed conversation
        await wait_until(lambda: inbox.rows.ids == [], pilot)
        await pilot.press("1")
        await wait_until(lambda: first in inbox.rows.ids, pilot)


async def test_a_typed_time_shows_its_date_and_esc_closes(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("z")
        await wait_until(lambda: isinstance(app.screen, SnoozeScreen), pilot)
        await pilot.press("tab", *"2h")
        preview = app.screen.query_one("#snooze-preview")
        await wait_until(lambda: str(preview.render()).startswith("Snooze until "), pilot)
        await pilot.press("ctrl+a", "ctrl+k", *"soon")
        await wait_until(lambda: "is not a time" in str(preview.render()), pilot)
        await pilot.press("escape")
        await wait_until(inbox.on_top, pilot)


async def test_a_snooze_that_ends_moves_its_row_back_with_no_key_pressed(build_app):
    import time

    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await wait_until(lambda: inbox.view is View.NEEDS_REPLY and len(inbox.rows) > 0, pilot)
        first = inbox.rows.ids[0]
        app.store.inbox.snooze(first, time.time() + 0.3)
        inbox.refresh_list()
        assert first not in inbox.rows.ids
        await wait_until(lambda: first in inbox.rows.ids, pilot)  # the pane's timer relisted
        assert inbox.row(first).snooze.woke(time.time()) == "snooze ended"
        assert any("woke: snooze ended" in line for line in inbox.drawn_lines())
