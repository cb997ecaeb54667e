"""The collision guard as a user meets it: a held reply, send anyway, keep editing, the header
saying a teammate is answering, and the list never saying "You" for a teammate's text."""

from __future__ import annotations

from sakari_tui.api import SakariError

from ..support.factories import settings_for
from ..support.inbox import Inbox
from ..support.keyboard import type_text
from ..support.team import colleague_writes
from ..support.waiting import wait_until


def server_copies(server, text):
    return [m for m in server.state.messages.values() if m.text == text]


async def open_and_type(inbox, pilot, text):
    row = inbox.select_row(lambda r: not r.opted_out and not r.closed)
    await pilot.press("enter")
    await wait_until(lambda: inbox.open_id == row.id, pilot)
    await type_text(pilot, text)
    return row


async def test_a_teammate_reply_just_before_ctrl_s_holds_then_ctrl_s_sends_once(build_app, server, sim_clock):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = await open_and_type(inbox, pilot, "Let me check that for you")
        inbox.sync_open_thread()  # the last poll: nothing new
        await pilot.pause(0.1)
        sim_clock.advance(5)
        landed = colleague_writes(server, row.id)  # after that poll, 0.3 s before Ctrl+S
        sim_clock.advance(0.3)
        await pilot.press("ctrl+s")
        await wait_until(lambda: inbox.held is not None, pilot)
        assert inbox.collision_text() == (
            "Alex replied just now while you were writing: Ctrl+S sends yours anyway, Esc keeps editing."
        )
        assert inbox.compose.text == "Let me check that for you" and not app.engine.pending
        assert landed.id in inbox.thread.arrived_keys
        assert "Alex · Hub" in inbox.thread_text() and "Hi! Alex here" in inbox.thread_text()
        assert server_copies(server, "Let me check that for you") == []
        await pilot.press("ctrl+s")  # send anyway
        await wait_until(lambda: inbox.compose.text == "" and not app.engine.pending, pilot)
        assert len(server_copies(server, "Let me check that for you")) == 1
        assert inbox.collision_text() == "" and not inbox.thread.arrived_keys
        await wait_until(lambda: "You · " in inbox.thread_text(), pilot)


async def test_esc_keeps_editing_and_the_next_ctrl_s_goes(build_app, server, sim_clock):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = await open_and_type(inbox, pilot, "Hello")
        sim_clock.advance(2)
        colleague_writes(server, row.id)
        await pilot.press("ctrl+s")
        await wait_until(lambda: inbox.held is not None, pilot)
        await pilot.press("escape")
        assert inbox.held is None and inbox.collision_text() == ""
        assert app.focused is inbox.compose.area and inbox.open_id == row.id
        await type_text(pilot, " again")
        await pilot.press("ctrl+s")
        await wait_until(lambda: not app.engine.pending and inbox.compose.text == "", pilot)
        assert len(server_copies(server, "Hello again")) == 1


async def test_a_customer_text_while_writing_holds_too(build_app, server, sim_clock):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = await open_and_type(inbox, pilot, "Sure")
        sim_clock.advance(2)
        server.state.inject_inbound(row.number, "Actually, never mind", to=row.sender_number)
        await pilot.press("ctrl+s")
        await wait_until(lambda: inbox.held is not None, pilot)
        assert inbox.collision_text().startswith("The customer wrote again")


async def test_the_header_says_a_teammate_is_answering_as_their_text_comes_in(build_app, server, sim_clock):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(lambda r: not r.opted_out and not r.closed and not r.last_outgoing)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert "is answering" not in inbox.header_text()
        sim_clock.advance(3)
        colleague_writes(server, row.id)
        inbox.sync_open_thread()
        await wait_until(lambda: "Alex is answering this conversation" in inbox.header_text(), pilot)


async def test_guard_off_sends_at_once(build_app, server, sim_clock):
    settings = settings_for(server)
    settings.compose.collision_guard = False
    app = await build_app(settings=settings)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = await open_and_type(inbox, pilot, "No guard")
        colleague_writes(server, row.id)
        server.state.reset_request_counts()
        await pilot.press("ctrl+s")
        await wait_until(lambda: not app.engine.pending and inbox.compose.text == "", pilot)
        assert inbox.held is None and len(server_copies(server, "No guard")) == 1


async def test_an_offline_reread_does_not_block_the_send(build_app, server, monkeypatch):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = await open_and_type(inbox, pilot, "Offline check")
        colleague_writes(server, row.id)

        async def offline(*args, **kwargs):
            raise SakariError("Cannot reach the Sakari API; check the network.")

        monkeypatch.setattr(app.engine.client, "fetch_all_messages", offline)
        await pilot.press("ctrl+s")
        await wait_until(lambda: not app.engine.pending and inbox.compose.text == "", pilot)
        assert inbox.held is None and len(server_copies(server, "Offline check")) == 1


async def test_no_you_on_a_teammates_text_in_the_list(build_app, server, sim_clock):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        # The demo's history has outgoing texts; none was sent from this machine.
        outgoing = [r for r in inbox.rows if r.last_outgoing]
        assert outgoing and not any(r.last_author.prefix == "You: " for r in outgoing)
        row = await open_and_type(inbox, pilot, "From here")
        await pilot.press("ctrl+s")
        await wait_until(lambda: not app.engine.pending and inbox.compose.text == "", pilot)
        await app.engine.sync_conversations()
        inbox.refresh_list([row.id])
        await wait_until(lambda: inbox.row(row.id).last_author.prefix == "You: ", pilot)
        sim_clock.advance(2)
        colleague_writes(server, row.id, "Following up")
        await app.engine.sync_conversations()
        inbox.refresh_list([row.id])
        await wait_until(lambda: inbox.row(row.id).last_author.prefix == "Alex: ", pilot)
