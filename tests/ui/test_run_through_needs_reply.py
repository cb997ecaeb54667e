"""A run through Needs reply: template, Enter, send-and-close, and auto-advance opens the next one;
and the overdue page once a customer has waited past the alert."""

from __future__ import annotations

from sakari_tui.store.views import View

from ..support.factories import settings_for
from ..support.inbox import Inbox
from ..support.waiting import wait_until


async def test_five_needs_reply_conversations_take_ctrl_t_enter_alt_s_each(build_app, server):
    # No undo window (build_app's default): the run is the point here; otherwise the last close
    # waits out the default 4 s window. The close still waits for its reply (send_and_close).
    settings = settings_for(server, close_undo_seconds=0.0)
    settings.triage.auto_advance = True
    settings.triage.default_view = "needs-reply"
    app = await build_app(settings=settings)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        assert inbox.view is View.NEEDS_REPLY
        waiting = [row.id for row in inbox.rows if not row.opted_out]
        assert len(waiting) >= 5
        first = waiting[0]
        inbox.select(first)
        await pilot.press("enter")
        await wait_until(lambda: inbox.open_id == first, pilot)
        answered = []
        for _ in range(5):
            current = inbox.open_id
            answered.append(current)
            await pilot.press("ctrl+t")
            await wait_until(lambda: app.screen.__class__.__name__ == "TemplatePickerScreen", pilot)
            await pilot.press("enter")
            await wait_until(lambda: inbox.compose.text.strip() != "", pilot)
            await pilot.press("alt+s")
            if not app.store.inbox.conversation(current).contact.first_name:
                # A contact without a first name leaves {{firstName}} unfilled: the one extra key, by design.
                await wait_until(lambda: any("press Ctrl+S again" in n for n in inbox.notifications()), pilot)
                await pilot.press("alt+s")
            await wait_until(lambda c=current: inbox.open_id not in (None, c), pilot)
            assert app.focused is inbox.compose.area
        await wait_until(lambda: all(app.store.inbox.conversation(c).closed for c in answered), pilot, timeout=15)
        assert len(set(answered)) == 5 and not app.engine.pending


def answerable_after(rows, conversation_id):
    """What auto-advance should open: the next answerable row, else the one before."""
    index = [row.id for row in rows].index(conversation_id)
    for row in [*rows[index + 1 :], *reversed(rows[:index])]:
        if not row.opted_out and not row.closed:
            return row.id
    return None


async def test_a_close_with_x_moves_on_to_the_next_answerable_conversation(build_app, server):
    settings = settings_for(server, close_undo_seconds=30.0)
    settings.triage.auto_advance = True
    app = await build_app(settings=settings)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        for pick in (0, -1):  # the first row, then the last (nothing after it: the one before)
            target = [row for row in inbox.rows if not row.opted_out and row.id not in inbox.pending_closes][pick]
            # As listed when it is opened (opening marks it read, which may move it).
            expected = answerable_after([row for row in inbox.rows if row.id not in inbox.pending_closes], target.id)
            inbox.open(target.id, focus_compose=False)
            await pilot.pause()
            app.inbox.thread_pane.thread_log.focus()
            await pilot.press("x")
            await wait_until(lambda e=expected: inbox.open_id == e, pilot)
            assert target.id in inbox.pending_closes


async def test_a_reply_advances_to_the_row_under_it_when_it_was_opened_though_it_moved(build_app, server):
    # Unread first: opening an unread conversation marks it read and moves it down among the read
    # rows at once. Next is the row that was under it when it was chosen, not the row under it now.
    settings = settings_for(server)
    settings.triage.auto_advance = True
    app = await build_app(settings=settings)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        rows = inbox.rows
        unread = [index for index, row in enumerate(rows) if row.unread and not row.opted_out and not row.closed]
        assert len(unread) >= 2, "the demo account has unread conversations at the top"
        chosen = rows[unread[0]]
        expected = answerable_after(rows, chosen.id)
        inbox.open(chosen.id)
        await wait_until(lambda: not inbox.row(chosen.id).unread, pilot)
        await wait_until(lambda: answerable_after(inbox.rows, chosen.id) != expected, pilot)  # it moved
        inbox.compose.set_text("Thanks, all sorted.")
        await pilot.press("ctrl+s")
        await wait_until(lambda: inbox.open_id != chosen.id, pilot)
        assert inbox.open_id == expected


async def test_overdue_pages_once_through_the_hook(build_app, server, monkeypatch):
    settings = settings_for(server)
    settings.notifications.on_overdue = "page-team"
    settings.triage.waiting_warn = "1m"
    settings.triage.waiting_alert = "1m"
    app = await build_app(settings=settings)
    calls = []

    async def recorded(argv, *, env, timeout, what):
        calls.append((list(argv), env["SAKARI_CONVERSATION_ID"], env["SAKARI_WAITING"]))
        return None

    monkeypatch.setattr(app.notifier, "_run", recorded)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: calls, pilot)
        paged = {cid for _, cid, _ in calls}
        waiting = {row.id for row in app.store.inbox.rows(view=View.NEEDS_REPLY) if not row.muted}
        assert paged and paged <= waiting
        assert all(argv == ["page-team"] for argv, _, _ in calls)
        count = len(calls)
        app.inbox._overdue_checked = float("-inf")  # the next half-minute check, now
        app.inbox.check_overdue(1e12)
        await pilot.pause(0.2)
        assert len(calls) == count  # each wait pages once
        assert inbox.open_id is None
