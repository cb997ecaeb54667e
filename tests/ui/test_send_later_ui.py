"""Send later as a user meets it: Ctrl+L and its dialog, the scheduled bubble, D cancelling it,
the customer writing first, the quiet-hours prompt's third choice, and the quit question."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from sakari_tui.sms.quiet_hours import next_send_time_for, recipient_time_zones
from sakari_tui.store import SendState
from sakari_tui.sync.scheduled import CUSTOMER_WROTE
from sakari_tui.ui.clock import FrozenClock
from sakari_tui.ui.screens.confirm import ConfirmScreen, SendAnywayScreen
from sakari_tui.ui.screens.schedule import RUNS_ONLY_WHILE_OPEN, ScheduleScreen

from ..support.factories import settings_for
from ..support.inbox import Inbox
from ..support.keyboard import type_text
from ..support.waiting import wait_until

TEXT = "Morning! Your order ships today"


def ordinary_single_zone(row) -> bool:
    return not row.opted_out and not row.closed and len(recipient_time_zones(row.number)) == 1


async def open_and_type(inbox, pilot, text=TEXT):
    row = inbox.select_row(ordinary_single_zone)
    await pilot.press("enter")
    await wait_until(lambda: inbox.open_id == row.id, pilot)
    await type_text(pilot, text)
    return row


async def schedule_in(inbox, pilot, typed: str):
    await pilot.press("ctrl+l")
    await wait_until(lambda: isinstance(inbox.app.screen, ScheduleScreen), pilot)
    await type_text(pilot, typed)


def scheduled(app):
    return [e for e in app.store.outbox.all() if e.state is SendState.SCHEDULED]


async def test_ctrl_l_schedules_at_a_typed_time_with_its_date_and_says_when_it_goes(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_and_type(inbox, pilot)
        await schedule_in(inbox, pilot, "2h")
        dialog = app.screen
        shown = str(dialog.query_one("#schedule-when").render())
        expected = (datetime.now(timezone.utc) + timedelta(hours=2)).astimezone()
        assert f"{expected:%a} {expected.day} {expected:%b}" in shown and "(their " in shown
        assert RUNS_ONLY_WHILE_OPEN in str(dialog.query_one("#schedule-note").render())
        await pilot.press("enter")
        await wait_until(lambda: inbox.on_top() and inbox.compose.text == "", pilot)
        [entry] = scheduled(app)
        assert abs(entry.send_at - (time.time() + 7200)) < 120
        assert any(RUNS_ONLY_WHILE_OPEN in n for n in inbox.notifications())
        await wait_until(lambda: "scheduled · " in inbox.thread_text(), pilot)
        assert "D cancels" in inbox.thread_text() and TEXT in inbox.thread_text()


async def test_esc_closes_the_dialog_and_keeps_the_reply(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_and_type(inbox, pilot)
        await schedule_in(inbox, pilot, "tomorrow 9am")
        await pilot.press("escape")
        await wait_until(lambda: inbox.on_top(), pilot)
        assert inbox.compose.text == TEXT and scheduled(app) == []


async def test_d_cancels_the_scheduled_reply_back_into_the_draft(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = await open_and_type(inbox, pilot)
        await schedule_in(inbox, pilot, "3h")
        await pilot.press("enter")
        await wait_until(lambda: bool(scheduled(app)), pilot)
        await pilot.press("escape", "D")
        await wait_until(lambda: inbox.compose.text == TEXT, pilot)
        assert scheduled(app) == [] and app.store.drafts.get(row.id) == TEXT
        assert "Scheduled reply cancelled; its text is back in the compose box." in inbox.notifications()
        assert "scheduled · " not in inbox.thread_text()


async def test_the_customer_writing_first_brings_it_back_with_a_notice(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = await open_and_type(inbox, pilot)
        await schedule_in(inbox, pilot, "1h")
        await pilot.press("enter")
        await wait_until(lambda: bool(scheduled(app)), pilot)
        server.state.inject_inbound(row.number, "Actually, can I change the address?")
        await app.engine.sync_conversations()
        await app.engine.retry_due()  # the poller's outbox round
        await wait_until(lambda: inbox.compose.text == TEXT, pilot)
        assert CUSTOMER_WROTE in inbox.notifications() and scheduled(app) == []


async def test_the_quiet_hours_prompt_offers_their_next_morning(build_app, server):
    scout = await build_app()
    async with scout.run_test(size=(120, 40)):
        row = next(r for r in Inbox(scout).rows if ordinary_single_zone(r))
    zone = ZoneInfo(recipient_time_zones(row.number)[0])
    local_night = datetime.combine(datetime.now(zone).date(), clock_time(3, 0), tzinfo=zone)
    night = local_night.astimezone(timezone.utc)
    app = await build_app(clock=FrozenClock(night), settings=settings_for(server, quiet_hours=True))
    inbox = Inbox(app)
    async with app.run_test(size=(80, 24)) as pilot:
        inbox.select(row.id)
        await pilot.press("enter")
        await wait_until(lambda: inbox.open_id == row.id, pilot)
        await type_text(pilot, TEXT)
        await pilot.press("ctrl+s")
        await wait_until(lambda: isinstance(app.screen, SendAnywayScreen), pilot)
        expected = next_send_time_for(row.number, night)
        label = str(app.screen.query_one("#confirm-later").label)
        assert label.startswith("Send at 08:00 their time (") and " here) (Ctrl+L)" in label
        await pilot.press("ctrl+l")
        await wait_until(lambda: inbox.on_top() and bool(scheduled(app)), pilot)
        assert scheduled(app)[0].send_at == expected.at.timestamp()
        assert inbox.compose.text == ""


async def test_quitting_with_a_scheduled_reply_asks_first(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_and_type(inbox, pilot)
        await schedule_in(inbox, pilot, "2h")
        await pilot.press("enter")
        await wait_until(lambda: bool(scheduled(app)), pilot)
        await pilot.press("escape", "q")
        await wait_until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        assert "1 scheduled reply waits for its time" in app.screen.question
        assert "go out only while sakari-tui runs" in app.screen.question
        await pilot.press("n")
        assert inbox.on_top() and app.is_running
