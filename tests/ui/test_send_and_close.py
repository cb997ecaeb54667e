"""Send and close: one key sends the reply and closes the conversation once Sakari has it."""

from __future__ import annotations

from sakari_tui.api import InvalidRequest

from ..support.factories import settings_for
from ..support.inbox import Inbox
from ..support.waiting import wait_until


def ordinary(row) -> bool:
    return not row.opted_out and not row.closed


async def test_alt_s_sends_then_closes_with_one_server_copy(build_app, server):
    app = await build_app()  # no undo window: closes as soon as the reply is sent
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(ordinary)
        await pilot.press("enter", *"All sorted, thanks!", "alt+s")
        await wait_until(lambda: app.store.inbox.conversation(row.id).closed, pilot)
        assert [m for m in server.state.messages.values() if m.text == "All sorted, thanks!"]
        assert len([m for m in server.state.messages.values() if m.text == "All sorted, thanks!"]) == 1
        assert server.state.conversations[row.id].closed_at is not None


async def test_undo_keeps_it_open_and_the_reply_still_goes(build_app, server):
    app = await build_app(settings=settings_for(server, close_undo_seconds=30.0))
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(ordinary)
        await pilot.press("enter", *"On its way", "alt+s")
        await wait_until(lambda: row.id in inbox.pending_closes, pilot)
        assert any("Sending, then closing" in n for n in inbox.notifications())
        await pilot.press("escape", "u")
        await wait_until(lambda: not app.engine.pending, pilot)
        assert row.id not in inbox.pending_closes and not app.store.inbox.conversation(row.id).closed
        assert [m for m in server.state.messages.values() if m.text == "On its way"]


async def test_a_refused_reply_keeps_the_conversation_open_and_says_so(build_app, server, monkeypatch):
    app = await build_app()
    inbox = Inbox(app)

    async def refused(**kwargs):
        raise InvalidRequest("The number cannot receive texts.", code="CONT-002", status=422)

    monkeypatch.setattr(app.engine.client, "send_message", refused)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(ordinary)
        await pilot.press("enter", *"Hello?", "alt+s")
        await wait_until(lambda: any("Not closed: the reply did not go" in n for n in inbox.notifications()), pilot)
        await pilot.pause(0.2)
        assert not app.store.inbox.conversation(row.id).closed and row.id not in inbox.pending_closes
        assert not server.state.conversations[row.id].closed_at


async def test_a_plain_ctrl_s_after_a_held_send_and_close_does_not_close(build_app, server, sim_clock):
    from ..support.team import colleague_writes

    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(ordinary)
        await pilot.press("enter", *"Thanks!")
        sim_clock.advance(2)
        colleague_writes(server, row.id)
        await pilot.press("alt+s")  # held by the collision guard: nothing queued, nothing closed
        await wait_until(lambda: inbox.held is not None, pilot)
        await pilot.press("ctrl+s")  # the user chose a plain send this time
        await wait_until(lambda: not app.engine.pending and inbox.compose.text == "", pilot)
        await pilot.pause(0.3)
        assert not app.store.inbox.conversation(row.id).closed
