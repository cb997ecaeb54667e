"""The shared test support: the host app is styled like the real one, and the page object finds the inbox."""

from __future__ import annotations

from textual.widgets import Static

from ..support.hosts import Host, app_stylesheets
from ..support.inbox import Inbox


async def test_the_host_app_applies_the_apps_own_stylesheets():
    assert app_stylesheets() and all(path.is_file() for path in app_stylesheets())
    app = Host(Static("header", id="thread-header"))
    async with app.run_test(size=(80, 24)):
        header = app.query_one("#thread-header")
        assert header.styles.padding.left == 1 and header.styles.padding.right == 1  # from the app's stylesheet


async def test_the_inbox_page_object_finds_every_part_of_the_inbox(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        parts = (
            inbox.list,
            inbox.thread,
            inbox.compose,
            inbox.header,
            inbox.status,
            inbox.filter,
            inbox.contact_panel,
            inbox.thread_pane,
        )
        assert all(part.screen is inbox.screen for part in parts)
        assert inbox.on_top() and inbox.rows and inbox.open_id is None
        await pilot.press("N")  # a dialog above the inbox: the page object still reads the inbox under it
        assert not inbox.on_top() and inbox.list is parts[0] and inbox.status_text()
