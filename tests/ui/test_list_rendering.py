"""The conversation list redraws as little as it can: two rows per cursor move while in view."""

from sakari_tui.ui.widgets.conversation_list import ROW_HEIGHT, ConversationList


async def test_cursor_moves_in_view_redraw_two_rows_and_leaving_it_recentres(build_app, monkeypatch):
    drawn: list[int] = []
    original = ConversationList.render_line

    def counting(self, y):
        drawn.append(y)
        return original(self, y)

    monkeypatch.setattr(ConversationList, "render_line", counting)
    app = await build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        listing = app.conversation_list
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
