"""Issue 10 in the app: a lost answer to a first text, a full disk, secrets and a slow API on screen."""

from __future__ import annotations

from sakari_tui.store.outbox import is_placeholder
from sakari_tui.sync import Connection, SyncStatusChanged

from ..support.inbox import Inbox
from ..support.keyboard import type_text
from ..support.waiting import wait_until

SEND = "POST /v1/accounts/{accountId}/messages"


async def test_a_new_conversation_whose_answer_is_lost_shows_once_in_its_thread(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    server.state.set_faults(drop_after_commit_rate=1.0, operations=(SEND,))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("N")
        await type_text(pilot, "+14155550177")
        await pilot.press("tab")
        await type_text(pilot, "Ines")
        await pilot.press("tab")
        await type_text(pilot, "Your table is ready")
        await pilot.press("ctrl+s")
        await wait_until(lambda: inbox.open_id is not None, pilot)
        await wait_until(lambda: not is_placeholder(inbox.open_id), pilot)
        await wait_until(lambda: "Your table is ready" in inbox.thread_text(), pilot)
        assert inbox.thread_text().count("Your table is ready") == 1
        assert not any(is_placeholder(r.id) for r in app.store.inbox.rows())
        assert len([m for m in server.state.messages.values() if m.text == "Your table is ready"]) == 1
        assert "Ines" in inbox.header_text()


async def test_a_full_disk_keeps_the_app_running_and_the_reply_on_screen(build_app, server, tiny_disk):
    app = await build_app(store_path=tiny_disk.path / "inbox.sqlite3")
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox.select_row(lambda r: not r.opted_out)
        await pilot.press("enter")
        await pilot.pause(0.2)
        tiny_disk.fill()
        await type_text(pilot, "Kept on screen")
        await pilot.press("ctrl+s")
        await wait_until(lambda: "not saving" in inbox.status_text(), pilot)
        assert "disk is full" in inbox.status_text()
        assert inbox.compose.text == "Kept on screen" and not app.engine.pending
        assert not [m for m in server.state.messages.values() if m.text == "Kept on screen"]
        await pilot.pause(0.5)  # the draft timer runs into the full disk too, and the app goes on
        assert inbox.compose.text == "Kept on screen" and app.is_running
        tiny_disk.free()
        await pilot.press("ctrl+s")
        await wait_until(lambda: not app.engine.pending, pilot)
        assert "not saving" not in inbox.status_text()
        assert len([m for m in server.state.messages.values() if m.text == "Kept on screen"]) == 1


async def test_a_first_text_that_cannot_be_recorded_keeps_its_dialog_filled(build_app, server, tiny_disk):
    app = await build_app(store_path=tiny_disk.path / "inbox.sqlite3")
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        tiny_disk.fill()
        await pilot.press("N")
        await type_text(pilot, "+14155550176")
        await pilot.press("tab")
        await type_text(pilot, "Ines")
        await pilot.press("tab")
        await type_text(pilot, "Hello there")
        await pilot.press("ctrl+s")
        await wait_until(lambda: "not saving" in inbox.status_text(), pilot)
        assert app.screen.query_one("#new-number").value == "+14155550176"
        assert app.screen.query_one("#new-text").text == "Hello there"
        assert app.screen.query_one("#new-name").value == "Ines"


async def test_secrets_quoted_by_a_server_never_reach_the_screen(build_app, server):
    app = await build_app()
    inbox = Inbox(app)
    secret = app.settings.sakari.client_secret
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhY2NvdW50In0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
    async with app.run_test(size=(120, 40)) as pilot:
        echo = f"Bad gateway: Authorization: Bearer {token} client_secret={secret}"
        app.notify(echo, severity="error")
        app.poller._set_status(SyncStatusChanged(Connection.OFFLINE, None, 0.0, echo))
        await pilot.pause(0.1)
        shown = inbox.notifications() + [inbox.status_text()]
        assert all(secret not in text and token not in text for text in shown), shown


async def test_a_slow_api_shows_slow_not_online(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        app.poller._set_status(
            SyncStatusChanged(
                Connection.SLOW,
                1.0,
                app.monotonic() + 5,
                "The Sakari API at 127.0.0.1 took longer than 30 s to answer.",
            )
        )
        await pilot.pause(0.05)
        assert "slow, retrying" in inbox.status_text() and "online" not in inbox.status_text()


async def test_discarding_a_refused_first_text_puts_it_back_in_its_dialog(build_app, server, monkeypatch):
    from sakari_tui.api import InvalidRequest
    from sakari_tui.sync import SendState
    from sakari_tui.ui.screens.new_conversation import NewConversationScreen

    app = await build_app()
    inbox = Inbox(app)

    async def refused(**kwargs):
        raise InvalidRequest("The number cannot receive texts.", code="CONT-002", status=422)

    monkeypatch.setattr(app.engine.client, "send_message", refused)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("N")
        await type_text(pilot, "+14155550175")
        await pilot.press("tab")
        await type_text(pilot, "Ines")
        await pilot.press("tab")
        await type_text(pilot, "Hello there")
        await pilot.press("ctrl+s")
        await wait_until(lambda: any(p.state is SendState.FAILED for p in app.engine.pending.values()), pilot)
        # Joined up: where the bubble's line wraps depends on the width.
        await wait_until(lambda: "cannot receive texts" in " ".join(inbox.thread_text().split()), pilot)
        await pilot.press("escape", "D")
        await wait_until(lambda: isinstance(app.screen, NewConversationScreen), pilot)
        assert app.screen.query_one("#new-number").value == "+14155550175"
        assert app.screen.query_one("#new-text").text == "Hello there"
        assert not app.engine.pending and not any(is_placeholder(r.id) for r in app.store.inbox.rows())


async def test_a_worker_that_fails_unexpectedly_says_so_and_logs_the_traceback(build_app, caplog, monkeypatch):
    app = await build_app()
    inbox = Inbox(app)

    async def broken(conversation_id):
        raise RuntimeError("a bug with Sipho Dlamini +27 82 555 0199 in its text")

    monkeypatch.setattr(app.engine, "sync_thread", broken)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox.select_row(lambda r: not r.opted_out)
        await pilot.press("enter")  # opening syncs the thread in a worker, which raises
        await wait_until(lambda: any("Something went wrong" in text for text in inbox.notifications()), pilot)
        shown = " ".join(inbox.notifications())
        assert "Sipho" not in shown and app.is_running
    assert any(r.exc_info and "a bug with" in str(r.exc_info[1]) for r in caplog.records)


def test_the_status_line_reads_each_state_in_one_line():
    from sakari_tui.ui.widgets.status_line import status_text

    online = SyncStatusChanged(Connection.ONLINE, 100.0, message="The list may be incomplete.")
    assert str(status_text(online, None, 103.0)) == "● online · updated 3s ago · The list may be incomplete."
    slow = SyncStatusChanged(Connection.SLOW, None, 110.0, "Too slow.")
    assert str(status_text(slow, None, 102.5)) == "○ slow, retrying in 8s · Too slow."
    assert str(status_text(online, "Cannot write the local store at x: the disk is full.", 103.0)).startswith(
        "○ not saving · Cannot write the local store"
    )
