"""The send-later dialogs at 80×24 and 120×40: every button and line on screen."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from textual.widget import Widget
from textual.widgets import Button

from sakari_tui.ui.screens.confirm import SendAnywayScreen
from sakari_tui.ui.screens.schedule import ScheduleScreen

from ..support.hosts import Host
from ..support.waiting import wait_until

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]
LATER = "Send at 08:00 their time (Tue 08:00 CST = 15:00 here)"
QUESTION = "It is 02:10 for (312) 555-0160 (America/Chicago), outside 08:00–21:00.\n\nSend it anyway?"


def fully_shown(app, widget: Widget) -> bool:
    geometry = app.screen._compositor.find_widget(widget)
    region = geometry.region
    return bool(region.height) and geometry.visible_region == region and app.screen.region.contains_region(region)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_the_quiet_hours_question_shows_all_three_choices(size):
    screen = SendAnywayScreen(QUESTION, later=LATER)
    app = Host(screen=screen)
    async with app.run_test(size=size) as pilot:
        await wait_until(lambda: screen.is_attached, pilot)
        await pilot.pause()
        buttons = list(app.screen.query(Button))
        assert len(buttons) == 3 and all(fully_shown(app, b) for b in buttons)
        regions = {app.screen._compositor.find_widget(b).region for b in buttons}
        assert all(not a.overlaps(b) for a in regions for b in regions if a != b)
        assert f"{LATER} (Ctrl+L)" in str(screen.query_one("#confirm-later", Button).label)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_the_schedule_dialog_fits_and_shows_the_date(size):
    screen = ScheduleScreen(
        datetime(2026, 12, 1, 15, 10, tzinfo=timezone.utc), zone=timezone.utc, initial="tomorrow 9am"
    )
    app = Host(screen=screen)
    async with app.run_test(size=size) as pilot:
        await wait_until(lambda: screen.is_attached, pilot)
        await pilot.pause()
        for selector in ("#schedule-input", "#schedule-when", "#schedule-note", "#schedule-ok", "#schedule-cancel"):
            assert fully_shown(app, screen.query_one(selector)), selector
        assert "Wed 2 Dec 09:00" in str(screen.query_one("#schedule-when").render())
        await pilot.press("escape")
        await wait_until(lambda: not screen.is_attached, pilot)
