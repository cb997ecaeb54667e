"""Issue 13, senders in the list: each row names its sender when the account has several, `s`
cycles a sender filter (All → each number → All) shown in the list's title and remembered at once,
and one sender or a filter naming a number that is gone are no surprise."""

from __future__ import annotations

from sakari_tui.config import SenderSetting, load_settings
from sakari_tui.store import Store
from sakari_tui.sync import InboxEngine
from sakari_tui.ui.app import make_app

from ..support.factories import conversation, settings_for
from ..support.inbox import Inbox
from ..support.waiting import wait_until

US = "+14155550100"  # the demo account's two numbers
UK = "+447700900100"


def first_lines(inbox: Inbox) -> list[str]:
    """The first line of each row on screen, as drawn."""
    widget = inbox.list
    return [widget.render_line(y).text for y in range(0, min(widget.size.height, 2 * len(inbox.rows)), 2)]


def title(inbox: Inbox) -> str:
    return str(inbox.list.border_title)


async def test_rows_name_their_sender_and_s_cycles_the_filter_shown_in_the_title(build_app, server, tmp_path):
    settings = settings_for(server)
    settings.senders = [SenderSetting(number=UK, label="Sales")]
    path = tmp_path / "config.toml"
    app = await build_app(settings=settings, settings_path=path)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        senders = {row.sender_number for row in inbox.rows}
        assert senders == {US, UK}
        lines = first_lines(inbox)
        assert any(" Sales " in line for line in lines) and any(" …0100 " in line for line in lines)
        assert title(inbox).startswith("Inbox ")

        await pilot.press("s")  # configured senders first: Sales
        await wait_until(lambda: {row.sender_number for row in inbox.rows} == {UK}, pilot)
        assert title(inbox).startswith("Sales inbox ")
        assert inbox.status_text().endswith(" · Sales only (s)")  # the status line says it too
        assert "Showing conversations on Sales (+44 7700 900100) · s for the next sender." in inbox.notifications()
        assert load_settings(path, env={}).ui.sender_filter == UK  # saved at once

        await pilot.press("s")
        await wait_until(lambda: {row.sender_number for row in inbox.rows} == {US}, pilot)
        assert title(inbox).startswith("…0100 inbox ")

        await pilot.press("s")
        await wait_until(lambda: {row.sender_number for row in inbox.rows} == {US, UK}, pilot)
        assert title(inbox).startswith("Inbox ") and load_settings(path, env={}).ui.sender_filter == ""
        assert "only (s)" not in inbox.status_text()
        assert "Showing every sender's conversations · s narrows to one." in inbox.notifications()


async def test_the_filter_is_remembered_by_the_next_start_and_the_palette_offers_the_next_one(
    build_app, server, tmp_path
):
    path = tmp_path / "config.toml"
    app = await build_app(settings=settings_for(server), settings_path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Show conversations on +1 415-555-0100" in Inbox(app).command_titles()
        await pilot.press("s")
        await wait_until(lambda: load_settings(path, env={}).ui.sender_filter == US, pilot)

    # The next start: the settings file as saved, the credentials as before (they are not in the file).
    restarted = settings_for(server)
    restarted.ui = load_settings(path, env={}).ui
    again = await build_app(settings=restarted, settings_path=path)
    inbox = Inbox(again)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert {row.sender_number for row in inbox.rows} == {US}
        assert title(inbox).startswith("…50100 inbox ")
        assert "Show conversations on +44 7700 900100" in inbox.command_titles()


async def test_a_saved_filter_naming_a_number_that_is_gone_lists_everything_without_a_word(build_app, server):
    settings = settings_for(server)
    settings.ui.sender_filter = "+12025550100"
    app = await build_app(settings=settings)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert {row.sender_number for row in inbox.rows} == {US, UK}
        assert title(inbox).startswith("Inbox ") and inbox.notifications() == []
        await pilot.press("s")  # from "All": the first number
        await wait_until(lambda: {row.sender_number for row in inbox.rows} == {US}, pilot)


async def test_one_sender_s_says_so_and_the_rows_stay_as_they_were(server):
    store = Store(":memory:")
    store.inbox.merge_conversations(conversation(f"c{i}", minutes_ago=i, name=f"Name {i}") for i in range(5))
    settings = settings_for(server)
    app = make_app(settings, InboxEngine(settings.sakari.make_client(), store), poll=False)
    inbox = Inbox(app)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            before = first_lines(inbox)
            assert not any("0100" in line for line in before)
            await pilot.press("s")
            await pilot.pause()
            assert (
                "This account has one sender number, +1 415-555-0100: there is no other to filter by."
                in inbox.notifications()
            )
            assert first_lines(inbox) == before and len(inbox.rows) == 5
            assert "Filter by sender (this account has one)" in inbox.command_titles()
    finally:
        store.close()
