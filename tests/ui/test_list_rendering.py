"""The conversation list redraws as little as it can: two rows per cursor move while in view."""

from textual.geometry import Region

from sakari_tui.ui.format import numbers_formattable
from sakari_tui.ui.widgets.conversation_list import NUMBER_FORMATS, ROW_HEIGHT, ConversationList

from ..support.factories import conversation
from ..support.inbox import Inbox
from ..support.waiting import wait_until


def rows_drawn(monkeypatch) -> list[tuple[str, bool]]:
    """(conversation id, drawn as the cursor's) for each row line the list draws from here on."""
    drawn: list[tuple[str, bool]] = []
    original = ConversationList._render_row_line

    def counting(self, row, line, width, is_cursor):
        drawn.append((row.id, is_cursor))
        return original(self, row, line, width, is_cursor)

    monkeypatch.setattr(ConversationList, "_render_row_line", counting)
    return drawn


async def settled(app, pilot) -> None:
    """Wait out what redraws the whole list once after the first frame (the phone-number formats
    loading in a thread: a fixed pause is too short on a slow machine run on its own)."""
    await wait_until(lambda: numbers_formattable() and not any(w.group == NUMBER_FORMATS for w in app.workers), pilot)
    await pilot.pause(0.1)


async def test_cursor_moves_in_view_redraw_two_rows_and_leaving_it_recentres(build_app, monkeypatch):
    drawn: list[int] = []
    original = ConversationList.render_line

    def counting(self, y):
        drawn.append(y)
        return original(self, y)

    monkeypatch.setattr(ConversationList, "render_line", counting)
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        listing = inbox.list
        await settled(app, pilot)
        visible_rows = listing.size.height // ROW_HEIGHT
        drawn.clear()
        await pilot.press("j")
        await pilot.pause(0.05)
        assert len(drawn) == 2 * ROW_HEIGHT  # the old cursor row and the new one
        for _ in range(visible_rows):
            await pilot.press("j")
        await pilot.pause(0.05)
        # Past the bottom edge the view re-centres on the cursor instead of creeping row by row.
        top = int(listing.scroll_offset.y) // ROW_HEIGHT
        assert top < listing.cursor < top + visible_rows - 2
        assert listing.current_id == listing.rows.ids[listing.cursor]


async def test_a_sync_page_below_the_view_draws_nothing_and_a_changed_row_in_view_redraws_alone(build_app, monkeypatch):
    drawn = rows_drawn(monkeypatch)
    lines: list[int] = []
    original = ConversationList.render_line
    monkeypatch.setattr(ConversationList, "render_line", lambda self, y: (lines.append(y), original(self, y))[1])
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        listing = inbox.list
        await settled(app, pilot)
        before = len(listing.rows)
        # Older than anything shown, as the later pages of a first sync are.
        older = [conversation(f"old{i}", minutes_ago=60 * 24 * 400 + i, name=f"Old {i}") for i in range(30)]
        app.store.inbox.merge_conversations(older)
        drawn.clear()
        lines.clear()
        inbox.refresh_list([c.id for c in older])
        await pilot.pause(0.05)
        assert len(listing.rows) == before + 30 and listing.rows.ids[-1] == "old29"
        assert drawn == []
        # The title's counts changed: its border line is drawn again, no line of the rows is (as
        # Textual's border_title setter would, a few times a second while an account syncs).
        assert lines == [] and f"/ {before + 30}" in inbox.list_title()
        top = listing.render_lines(Region(0, 0, listing.outer_size.width, 1))[0]
        assert f"/ {before + 30}" in "".join(segment.text for segment in top)  # the line on screen
        assert listing.virtual_size.height == len(listing.rows) * ROW_HEIGHT
        assert listing.max_scroll_y == listing.virtual_size.height - listing.scrollable_content_region.height

        # A draft on a conversation in view changes that row's markers and nothing else.
        shown = listing.rows.ids[3]
        app.store.drafts.save(shown, "half a reply")
        drawn.clear()
        inbox.refresh_list([shown])
        await pilot.pause(0.05)
        assert [conversation_id for conversation_id, _ in drawn] == [shown] * ROW_HEIGHT
        assert "draft" in "".join(s.text for s in listing.render_line(3 * ROW_HEIGHT)._segments)


async def test_a_list_shorter_than_the_screen_updates_and_shrinks_in_place(build_app, monkeypatch):
    drawn: list[str] = []
    original = ConversationList._render_row_line
    monkeypatch.setattr(
        ConversationList,
        "_render_row_line",
        lambda self, row, *rest: (drawn.append(row.id), original(self, row, *rest))[1],
    )
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 200)) as pilot:  # every conversation fits, with room below
        listing = inbox.list
        await pilot.pause(0.1)
        assert len(listing.rows) * ROW_HEIGHT < listing.size.height
        last = listing.rows.ids[-1]
        app.store.drafts.save(last, "a draft on the bottom row")
        inbox.refresh_list([last])  # the bottom row changes, nothing moves
        await pilot.pause(0.05)
        assert listing.rows.ids[-1] == last
        count = len(listing.rows)
        app.engine.store.inbox.db.execute("UPDATE conversations SET closed = 1 WHERE id = ?", (last,))
        drawn.clear()
        inbox.refresh_list([last])  # the bottom row goes: the list is shorter than what was drawn
        await pilot.pause(0.05)
        assert len(listing.rows) == count - 1
        assert drawn  # redrawn, so the row's old place on screen is cleared too
        line = "".join(segment.text for segment in listing.render_line((count - 1) * ROW_HEIGHT)._segments)
        assert line.strip() == ""  # its old place is blank, not a stale row


async def test_moving_the_cursor_back_over_drawn_rows_draws_none_again(build_app, monkeypatch):
    """Each row keeps the lines it was drawn with, with and without the cursor on it: a move draws
    only a row the cursor lands on for the first time."""
    drawn = rows_drawn(monkeypatch)
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        listing = inbox.list
        await settled(app, pilot)
        ids = listing.rows.ids
        drawn.clear()
        await pilot.press("j")
        await pilot.pause(0.05)
        # The first move: the row left is drawn without the cursor, the one landed on with it.
        assert sorted(set(drawn)) == sorted({(ids[0], False), (ids[1], True)}) and len(drawn) == 2 * ROW_HEIGHT
        drawn.clear()
        await pilot.press("k", "j", "k")
        await pilot.pause(0.05)
        assert drawn == []
        assert listing.cursor == 0 and listing.current_id == ids[0]
        cursor_style = listing.get_component_rich_style("conversation-list--cursor")
        first, second = (listing.render_line(y) for y in (0, ROW_HEIGHT))
        assert cursor_style.bgcolor in {segment.style.bgcolor for segment in first} - {
            segment.style.bgcolor for segment in second
        }
