"""The inbox screen and its panes: engine events as messages, local writes through the engine,
the command palette's inbox commands, the breakpoint layout, and keys under a dialog."""

from __future__ import annotations

from sakari_tui.sync import (
    Connection,
    ConversationMarked,
    ConversationsChanged,
    SyncStatusChanged,
    ThreadChanged,
)
from sakari_tui.ui.inbox import EngineEvent
from sakari_tui.ui.inbox.thread_pane import ThreadPane
from sakari_tui.ui.screens.search import SearchScreen

from ..support.factories import settings_for
from ..support.inbox import Inbox
from ..support.keyboard import type_text
from ..support.waiting import wait_until


def ordinary(row) -> bool:
    return not row.opted_out and not row.closed


def test_a_newer_event_stands_for_an_older_one_only_where_it_says_everything():
    status = EngineEvent(SyncStatusChanged(Connection.OFFLINE, None))
    assert status.can_replace(EngineEvent(SyncStatusChanged(Connection.ONLINE, 1.0)))
    assert not status.can_replace(EngineEvent(ThreadChanged("c1")))
    thread = EngineEvent(ThreadChanged("c1"))
    assert thread.can_replace(EngineEvent(ThreadChanged("c1")))
    assert not thread.can_replace(EngineEvent(ThreadChanged("c2")))  # another thread must still be drawn
    assert not thread.can_replace(EngineEvent(ConversationMarked("c1")))
    assert EngineEvent(ConversationMarked("c1")).can_replace(EngineEvent(ConversationMarked("c1")))
    # A change of conversations names only what changed: a later one never stands for it.
    changed = EngineEvent(ConversationsChanged(("c1",), ()))
    assert not changed.can_replace(EngineEvent(ConversationsChanged(("c2",), ())))


async def test_local_writes_go_through_the_engine_and_say_so(build_app):
    app = await build_app()
    events = []
    app.engine.add_listener(events.append)
    row = next(r for r in app.store.inbox.rows() if ordinary(r))
    app.engine.mark_read(row.id)
    app.engine.set_muted(row.id, True)
    app.engine.save_draft(row.id, "first words")
    app.engine.save_draft(row.id, "first words, more")  # the draft goes on: the row's mark does not change
    app.engine.save_draft(row.id, "  ")  # emptied: the mark goes
    assert events == [ConversationMarked(row.id)] * 4
    assert app.store.inbox.is_muted(row.id) and not app.store.inbox.is_unread(row.id)
    assert app.store.drafts.get(row.id) == ""


async def test_engine_events_are_handled_on_the_screen_not_inside_the_engine(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = next(r for r in inbox.rows if ordinary(r) and not r.muted)
        app.engine.set_muted(row.id, True)
        # Queued for the screen: the engine's call returned before any view work was done...
        assert not inbox.row(row.id).muted and inbox.inbox_screen.message_queue_size
        # ...and the row follows on the screen's turn, with no redraw by hand.
        await wait_until(lambda: inbox.row(row.id).muted, pilot)


async def test_the_palette_offers_only_the_inbox_commands_that_apply_with_their_keys(build_app, server):
    settings = settings_for(server)
    settings.keys = {"app.next_unread": "f6"}
    app = await build_app(settings=settings)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        from sakari_tui.ui.inbox.commands import inbox_commands

        nothing_open = {title: help_text for title, help_text, _ in inbox_commands(inbox.inbox_screen)}
        assert "Send" not in nothing_open and "Templates" not in nothing_open and "Retry send" not in nothing_open
        assert "List" not in nothing_open  # Esc is a key, not a command
        assert nothing_open["Next unread"].startswith("f6 · ")  # the user's [keys] table, not the default n
        assert nothing_open["Search"] == "^f · Search every cached message and contact"
        inbox.select_row(ordinary)
        await pilot.press("enter")
        opened = [title for title, _, _ in inbox_commands(inbox.inbox_screen)]
        assert "Send" in opened and "Templates" in opened and "Contact" in opened
        assert "Undo close" not in opened  # nothing is waiting to close


async def test_a_resize_under_a_dialog_reaches_the_inbox_when_the_dialog_closes(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox.select_row(ordinary)
        await pilot.press("enter", "escape", "c")
        assert inbox.contact_panel.display and inbox.thread_pane.display  # wide: beside the thread
        await pilot.press("ctrl+f")
        await wait_until(lambda: isinstance(app.screen, SearchScreen), pilot)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press("escape")
        await wait_until(inbox.on_top, pilot)
        await pilot.pause()
        assert inbox.screen.has_class("-narrow")
        assert inbox.contact_panel.display and not inbox.thread_pane.display  # narrow: in its place


async def test_inbox_keys_do_nothing_under_a_dialog(build_app, server):
    app = await build_app(undo=5.0)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(ordinary)
        await pilot.press("ctrl+f")
        await wait_until(lambda: isinstance(app.screen, SearchScreen), pilot)
        app.screen.set_focus(None)  # no input to type into: the key is free to match a binding
        await pilot.press("x", "m", "N")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)  # N did not open the new-conversation dialog over it
        assert row.id not in inbox.pending_closes and not app.store.inbox.is_muted(row.id)


async def test_the_thread_pane_follows_the_screens_open_conversation(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        first, second = [r for r in inbox.rows if ordinary(r)][:2]
        pane = inbox.inbox_screen.query_one(ThreadPane)
        inbox.inbox_screen.open_id = first.id  # the reactive alone: the pane opens the thread and its draft
        await pilot.pause()
        assert pane.open_id == first.id and not inbox.compose.area.disabled
        assert first.name.split()[0] in inbox.header_text()
        inbox.compose.area.focus()
        await type_text(pilot, "kept for later")
        inbox.inbox_screen.open_id = second.id
        await pilot.pause()
        assert app.store.drafts.get(first.id) == "kept for later"  # saved as the pane left it
        inbox.inbox_screen.open_id = None
        await pilot.pause()
        assert inbox.compose.area.disabled and "No conversation open" in inbox.thread_text()


async def test_a_dialogs_worker_that_fails_unexpectedly_says_so_in_one_sentence(build_app, server, caplog):
    from textual import work
    from textual.widgets import Static

    from sakari_tui.ui.screens.dialog import Dialog

    class BrokenDialog(Dialog[None]):
        def compose(self):
            yield Static("working…", classes="dialog")

        def on_mount(self) -> None:
            self.fetch()

        @work(group="broken", exit_on_error=False)
        async def fetch(self) -> None:
            raise RuntimeError("a bug quoting Sipho Dlamini +27 82 555 0199")

    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(BrokenDialog())
        await wait_until(lambda: any("Something went wrong" in text for text in inbox.notifications()), pilot)
        assert "Sipho" not in " ".join(inbox.notifications()) and app.is_running
    assert any(r.exc_info and "a bug quoting" in str(r.exc_info[1]) for r in caplog.records)
