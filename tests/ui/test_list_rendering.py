"""The conversation list redraws as little as it can: two rows per cursor move while in view."""

from sakari_tui.ui.widgets.conversation_list import ROW_HEIGHT, ConversationList

from ..support.factories import conversation
from ..support.inbox import Inbox


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
        await pilot.pause(0.2)
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
    drawn: list[str] = []
    original = ConversationList._render_row_line

    def counting(self, row, line, width, is_cursor):
        drawn.append(row.id)
        return original(self, row, line, width, is_cursor)

    monkeypatch.setattr(ConversationList, "_render_row_line", counting)
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        listing = inbox.list
        await pilot.pause(0.2)
        before = len(listing.rows)
        # Older than anything shown, as the later pages of a first sync are.
        older = [conversation(f"old{i}", minutes_ago=60 * 24 * 400 + i, name=f"Old {i}") for i in range(30)]
        app.store.inbox.merge_conversations(older)
        drawn.clear()
        inbox.refresh_list([c.id for c in older])
        await pilot.pause(0.05)
        assert len(listing.rows) == before + 30 and listing.rows.ids[-1] == "old29"
        assert drawn == []
        assert listing.virtual_size.height == len(listing.rows) * ROW_HEIGHT
        assert listing.max_scroll_y == listing.virtual_size.height - listing.scrollable_content_region.height

        # A draft on a conversation in view changes that row's markers and nothing else.
        shown = listing.rows.ids[3]
        app.store.drafts.save(shown, "half a reply")
        drawn.clear()
        inbox.refresh_list([shown])
        await pilot.pause(0.05)
        assert drawn == [shown] * ROW_HEIGHT
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
