"""Deterministic scenes of the main screens, for snapshot tests and `make screenshots`.

Each scene runs the real app (built by `make_app`) against the simulator with a frozen clock,
so the same code produces the same screen on every machine.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sakari_tui.api import Message
from sakari_tui.api.models import MediaItem
from sakari_tui.cli.inbox import demo_senders
from sakari_tui.config import SakariSection, Settings
from sakari_tui.simulator.clock import ManualClock
from sakari_tui.simulator.files import tiny_png
from sakari_tui.simulator.server import SimulatorServer
from sakari_tui.store import Store
from sakari_tui.store.outbox_media import LocalFile, local_file
from sakari_tui.sync import InboxEngine, SendState
from sakari_tui.ui.app import SakariApp, make_app
from sakari_tui.ui.clock import FrozenClock

FIXED_NOW = datetime(2026, 11, 30, 15, 0, tzinfo=timezone.utc)
HUNDRED_YEARS_S = 100 * 365 * 86400.0


@contextmanager
def scene_server() -> Iterator[SimulatorServer]:
    """The demo simulator frozen at FIXED_NOW, with no simulated customers."""
    clock = ManualClock(start=FIXED_NOW.timestamp())
    with SimulatorServer(seed=1, clock=clock, customers=False, token_ttl=HUNDRED_YEARS_S) as server:
        yield server


def scene_app(server: SimulatorServer, *, demo: bool = True) -> SakariApp:
    # The demo's [[senders]]: its two Groups by name, as `--demo` runs.
    settings = Settings(sakari=SakariSection(**server.credentials()), senders=demo_senders(server))
    engine = InboxEngine(settings.sakari.make_client(), Store(":memory:"))
    return make_app(settings, engine, demo=demo, poll=False, clock=FrozenClock(FIXED_NOW), monotonic=lambda: 1000.0)


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    _steady_cursors(pilot.app)
    await pilot.pause()


def _steady_cursors(app) -> None:
    # A blinking cursor would make a screenshot depend on the moment it was taken.
    from textual.widgets import Input, TextArea

    for widget in app.screen.query("Input, TextArea"):
        if isinstance(widget, (Input, TextArea)):
            widget.cursor_blink = False


async def prepare_inbox(pilot) -> None:
    """The inbox after one poll, list focused."""
    app: SakariApp = pilot.app
    await app.poller.cycle()
    app.inbox.conversations.relist()
    await _settle(pilot)


def scene_conversation(app: SakariApp) -> str:
    """A conversation with a named contact who has not opted out (the same one every time)."""
    rows = app.store.inbox.rows(unread_first=False)
    return next(r.id for r in rows if not r.opted_out and not r.closed and r.name and not r.name.startswith("+"))


JORDAN = {"id": "usr-demo-jordan", "firstName": "Jordan", "lastName": "Lee", "source": "hub"}
ALEX = {"id": "usr-demo-agent", "firstName": "Alex", "lastName": "Rivera", "source": "hub"}


def _message(
    conversation_id: str, n: int, minutes_ago: float, text: str, status: str, error=None, *, by=None
) -> Message:
    created: dict = {"at": (FIXED_NOW - timedelta(minutes=minutes_ago)).isoformat()}
    if by is not None:
        created["by"] = by
    return Message.model_validate(
        {
            "id": f"scene-{n}",
            "conversation": {"id": conversation_id},
            "message": text,
            "outgoing": status != "received",
            "status": status,
            "error": error,
            "created": created,
        }
    )


def _sent_here(app: SakariApp, *message_ids: str) -> None:
    """Mark texts as sent by this machine's outbox (as adopting them does): they read "You"."""
    for message_id in message_ids:
        app.store.db.execute(
            "INSERT OR IGNORE INTO sent_here (message_id, local_id, sent_at) VALUES (?, ?, 0)", (message_id, message_id)
        )


async def prepare_thread(pilot) -> None:
    """A thread showing every delivery state, including replies still sending and failed."""
    await prepare_inbox(pilot)
    app: SakariApp = pilot.app
    conversation_id = scene_conversation(app)
    app.store.inbox.merge_messages(
        conversation_id,
        [
            _message(conversation_id, 1, 30, "Hi! Is my order ready to collect?", "received"),
            _message(conversation_id, 2, 29, "It is! We're open until 6pm today.", "delivered", by=JORDAN),
            _message(conversation_id, 3, 20, "Great, see you at 5 🙂", "received"),
            _message(conversation_id, 4, 12, "Here's the store map: https://example.com/map", "sent"),
            _message(
                conversation_id,
                5,
                9,
                "Bring your order number, please.",
                "undelivered",
                {"code": "MSG-019", "description": "Undelivered"},
            ),
            _message(
                conversation_id,
                6,
                7,
                "Your order number is 8459.",
                "error",
                {"code": "MSG-033", "description": "Carrier failure"},
            ),
            _message(conversation_id, 7, 2, "We're holding it at the front desk.", "queued"),
        ],
    )
    _sent_here(app, "scene-4", "scene-5", "scene-6", "scene-7")  # Jordan (the Hub) wrote scene-2
    app.inbox.open_conversation(conversation_id)
    await _settle(pilot)
    outbox = app.store.outbox
    outbox.add(conversation_id, None, "See you soon!", (), created_at=FIXED_NOW)
    failed = outbox.add(conversation_id, None, "Parking is free after 5pm.", (), created_at=FIXED_NOW)
    failed.state = SendState.FAILED
    failed.error = "This contact has opted out of texts (CONT-010)."
    outbox.update(failed)
    unknown = outbox.add(conversation_id, None, "We close at 6pm.", (), created_at=FIXED_NOW)
    unknown.state = SendState.UNKNOWN
    unknown.error = "Cannot reach the Sakari API at api.sakari.io to check."
    unknown.checks = len(app.engine.delivery.reconcile_at)  # looked for over the whole window: the user decides
    outbox.update(unknown)
    app.inbox.compose_box.set_text("Thanks {{ firstName }}! Pay at the desk – cash or card…")
    app.inbox.thread_pane.save_draft_now()  # now, not after the typing pause: the ✎draft marker must not depend on timing
    app.inbox.thread_pane.show_thread()
    await _settle(pilot)


def _mms(conversation_id: str, n: int, minutes_ago: float, text: str, status: str, media: list[dict], *, by=None):
    message = _message(conversation_id, n, minutes_ago, text, status, by=by)
    return message.model_copy(update={"media": [MediaItem.model_validate(item) for item in media], "type": "MMS"})


async def prepare_attachments(pilot) -> None:
    """A thread with attachments: a customer's photo (selected), a reply with a map, a hostile
    attachment (a path-traversal name on a file: link, a javascript: link), and a reply with a
    file still uploading; the compose box has a file attached."""
    await prepare_inbox(pilot)
    app: SakariApp = pilot.app
    conversation_id = scene_conversation(app)
    photo = {
        "url": "https://media.example.com/m/5f2a/damaged-box.png",
        "type": "image/png",
        "filename": "damaged-box.png",
    }
    store_map = {
        "url": "https://media.example.com/m/77c1/store-map.png",
        "type": "image/png",
        "filename": "store-map.png",
    }
    hostile = [
        {"url": "file:///etc/passwd", "filename": "../../.bashrc\n\x1b[31mrm -rf ~", "type": "text/plain"},
        {"url": "javascript:alert(document.cookie)", "name": "invoice.pdf", "type": "application/pdf"},
    ]
    app.store.inbox.merge_messages(
        conversation_id,
        [
            _mms(conversation_id, 1, 40, "This is how the box arrived 😞", "received", [photo]),
            _mms(conversation_id, 2, 35, "So sorry! Here's where to drop it off:", "delivered", [store_map], by=JORDAN),
            _mms(conversation_id, 3, 20, "see attached", "received", hostile),
        ],
    )
    app.inbox.open_conversation(conversation_id)
    await _settle(pilot)
    folder = Path(tempfile.mkdtemp(prefix="sakari-scene-"))
    (folder / "return-label.png").write_bytes(tiny_png(120, 80, (250, 250, 250)) + b"\0" * 40_000)
    label = app.store.outbox.add(
        conversation_id,
        None,
        "Your return label:",
        (),
        created_at=FIXED_NOW,
        media=local_file(folder / "return-label.png"),
    )
    app.inbox.thread_pane.uploads[label.local_id] = (21_000, label.media_size or 0)
    app.inbox.compose_box.set_text("And the receipt")
    app.inbox.compose_box.attachment = LocalFile(Path("receipt.png"), "receipt.png", "image/png", 182_400)
    app.inbox.thread_pane.save_draft_now()
    app.inbox.thread_pane.show_thread()
    app.inbox.thread_pane.thread_log.select("scene-1")
    app.inbox.thread_pane.thread_log.focus()
    await _settle(pilot)


async def prepare_preview(pilot) -> None:
    """`p` on the demo customer's photo: the picture in the preview modal, in half blocks."""
    await prepare_inbox(pilot)
    app: SakariApp = pilot.app
    [conversation_id] = app.store.db.execute(
        "SELECT conversation_id FROM messages WHERE sakari_json(raw) LIKE '%damaged-box.png%' LIMIT 1"
    ).fetchone()
    app.inbox.open_conversation(conversation_id, focus_compose=False)
    await _settle(pilot)
    app.inbox.thread_pane.thread_log.focus()
    await pilot.press("p")
    for _ in range(200):
        await pilot.pause(0.02)
        if app.screen.query("#preview-image"):
            break
    await _settle(pilot)


async def prepare_templates(pilot) -> None:
    """The template picker over an open thread, filtered to show a preview."""
    await prepare_inbox(pilot)
    app: SakariApp = pilot.app
    app.inbox.open_conversation(scene_conversation(app))
    await _settle(pilot)
    app.inbox.action_templates()
    # The picker's worker waits for the dialog to close, so wait for the dialog, not for workers.
    for _ in range(500):
        if app.screen is not app.screen_stack[0]:
            break
        await pilot.pause(0.01)
    await pilot.press("r", "e")
    await pilot.pause()
    _steady_cursors(app)
    await pilot.pause()


async def prepare_new_conversation(pilot) -> None:
    """The new-conversation form after a bad number."""
    await prepare_inbox(pilot)
    await pilot.press("N")
    await pilot.press(*"555", "tab", *"Nia", "tab", *"Hello", "ctrl+s")
    await _settle(pilot)


async def _wait_for_dialog(pilot) -> None:
    app: SakariApp = pilot.app
    for _ in range(500):
        if app.screen is not app.screen_stack[0]:
            break
        await pilot.pause(0.01)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    _steady_cursors(app)
    await pilot.pause()


async def prepare_opted_out(pilot) -> None:
    """A contact who texted STOP: the keyword is labelled, the reason is on screen, replies are off."""
    await prepare_inbox(pilot)
    app: SakariApp = pilot.app
    opted_out = next(row.id for row in app.store.inbox.rows(unread_first=False) if row.opted_out)
    app.inbox.open_conversation(opted_out)
    await _settle(pilot)


async def prepare_opt_out_flag(pilot) -> None:
    """A text that reads like an opt-out but is no keyword: flagged, with the key that acts on it."""
    await prepare_inbox(pilot)
    app: SakariApp = pilot.app
    conversation_id = scene_conversation(app)
    app.store.inbox.merge_messages(
        conversation_id,
        [
            _message(conversation_id, 1, 30, "Your table for 4 is booked for Friday at 7pm.", "delivered"),
            _message(conversation_id, 2, 3, "Please stop texting me, I never booked anything.", "received"),
        ],
    )
    conversation = app.store.inbox.conversation(conversation_id)
    app.store.inbox.merge_conversations(
        [
            conversation.model_copy(
                update={
                    "last_message": _message(
                        conversation_id, 2, 3, "Please stop texting me, I never booked anything.", "received"
                    )
                }
            )
        ]
    )
    app.inbox.open_conversation(conversation_id)
    await _settle(pilot)


async def prepare_compose_ucs2(pilot) -> None:
    """A reply with curly quotes and a dash: highlighted, counted as UCS-2, priced, one key from GSM-7."""
    await prepare_inbox(pilot)
    app: SakariApp = pilot.app
    app.inbox.open_conversation(scene_conversation(app))
    await _settle(pilot)
    app.inbox.compose_box.set_text("Thanks for waiting — it’s “in stock” again, we’ll hold one for you until Friday.")
    app.inbox.thread_pane.save_draft_now()  # now, not after the typing pause: the ✎draft marker must not depend on timing
    await _settle(pilot)


async def prepare_search(pilot) -> None:
    """Full-text search (Ctrl+F), apart from the list filter, with matches highlighted in context."""
    await prepare_inbox(pilot)
    await pilot.press("ctrl+f")
    await _wait_for_dialog(pilot)
    await pilot.press(*"order")
    await pilot.pause(0.4)
    await _wait_for_dialog(pilot)


async def prepare_contact(pilot) -> None:
    """The contact panel beside the thread (instead of it at 80 columns)."""
    await prepare_inbox(pilot)
    app: SakariApp = pilot.app
    app.inbox.open_conversation(scene_conversation(app), focus_compose=False)
    await _settle(pilot)
    await pilot.press("c")
    await _settle(pilot)


async def prepare_templates_manager(pilot) -> None:
    """The templates manager (T): the account's templates, previewed for a real contact."""
    await prepare_inbox(pilot)
    app: SakariApp = pilot.app
    app.inbox.open_conversation(scene_conversation(app), focus_compose=False)
    await _settle(pilot)
    await pilot.press("T")
    await _wait_for_dialog(pilot)


async def prepare_edit_contact(pilot) -> None:
    """The edit-contact form (e in the contact panel), a bad email typed and refused."""
    await prepare_contact(pilot)
    app: SakariApp = pilot.app
    app.inbox.contact_panel.focus()
    await pilot.press("e")
    await _wait_for_dialog(pilot)
    app.screen.query_one("#contact-email").focus()
    await pilot.press(*"nia@", "ctrl+s")
    await _settle(pilot)


# Four GSM-7 segments: over the default `confirm_over_segments` (3), so Ctrl+S asks first.
LONG_REPLY = " ".join(["Your bike is ready: the chain, brakes and gears are done and the wheels are trued."] * 6)


async def prepare_send_anyway(pilot) -> None:
    """The question before a costly reply goes out (Ctrl+S again sends, Esc keeps editing)."""
    await prepare_inbox(pilot)
    app: SakariApp = pilot.app
    app.inbox.open_conversation(scene_conversation(app))
    await _settle(pilot)
    app.inbox.compose_box.set_text(LONG_REPLY)
    app.inbox.thread_pane.save_draft_now()  # now, not after the typing pause: the ✎draft marker must not depend on timing
    await pilot.press("ctrl+s")
    await _wait_for_dialog(pilot)


async def prepare_collision(pilot) -> None:
    """A reply held by the collision guard: Alex answered from the Hub while it was written.

    The hold is made through the guard's own decision over the thread as the store has it (the
    scene's server is shared by every scene and must stay as it is); the behaviour itself, with
    the re-read from the simulator, is tested in tests/ui/test_collision_guard_ui.py."""
    from sakari_tui.sms.collision import check_arrivals

    await prepare_inbox(pilot)
    app: SakariApp = pilot.app
    # A customer waiting for an answer (their text is the last, some minutes old).
    conversation_id = next(
        r.id
        for r in app.store.inbox.rows(unread_first=False)
        if not r.opted_out and not r.closed and not r.last_outgoing and r.name and not r.name.startswith("+")
    )
    app.inbox.open_conversation(conversation_id)
    await _settle(pilot)
    pane = app.inbox.thread_pane
    pane.compose_box.set_text("Hi! Your order is ready to collect until 6pm today.")
    pane.save_draft_now()  # now, not after the typing pause: the ✎draft marker must not depend on timing
    await _settle(pilot)
    # What the first keystroke takes (set here, not left to the box's change event: a loaded
    # machine may not have handled it yet, and the picture must not depend on that).
    base = pane.draft_base = app.engine.draft_base(conversation_id)
    landed = _message(
        conversation_id, 20, 0.0, "Hi, Alex here: it's ready, we'll keep it at the desk.", "sent", by=ALEX
    )
    app.store.inbox.merge_messages(conversation_id, [landed])
    thread = app.store.inbox.thread(conversation_id)
    authors = app.engine.authors(thread)
    check = check_arrivals(base, thread, ours=lambda m: False, author=lambda m: authors[m.id or ""])
    pane.hold(check, check.sentence(now=FIXED_NOW.timestamp() + 40))
    pane.compose_box.area.focus()
    await _settle(pilot)


async def prepare_scheduled(pilot) -> None:
    """A reply scheduled for the customer's morning: the scheduled bubble with both clocks, D cancels."""
    await prepare_inbox(pilot)
    app: SakariApp = pilot.app
    conversation_id = scene_conversation(app)
    app.inbox.open_conversation(conversation_id)
    await _settle(pilot)
    tomorrow_morning = datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc).timestamp()
    app.engine.schedule_reply(
        conversation_id,
        "Good morning! Your replacement ships today; the tracking number follows by email.",
        tomorrow_morning,
        window=("08:00", "21:00"),
    )
    app.inbox.thread_pane.show_thread()
    await _settle(pilot)


async def prepare_sender_filter(pilot) -> None:
    """`s` twice: All → Support → Sales; the title and the status line say so."""
    await prepare_inbox(pilot)
    await pilot.press("s", "s")
    pilot.app.clear_notifications()
    await prepare_inbox(pilot)


async def prepare_needs_reply(pilot) -> None:
    """`1`: Needs reply, the longest wait first, each row's wait coloured past the [triage] limits;
    a conversation whose snooze ended is back and says so."""
    await prepare_inbox(pilot)
    app: SakariApp = pilot.app
    from sakari_tui.store.views import View

    now = FIXED_NOW.timestamp()
    woken = app.store.inbox.rows(view=View.NEEDS_REPLY, now=now)[1].id  # one on screen
    app.store.inbox.snooze(woken, now - 60, now - 3600)
    await pilot.press("1")
    await _settle(pilot)


async def prepare_waiting(pilot) -> None:
    """`2`: Waiting on customer: the last word is ours or a teammate's (named on each row)."""
    await prepare_inbox(pilot)
    await pilot.press("2")
    await _settle(pilot)


async def prepare_failed(pilot) -> None:
    """`4`: Failed: the conversations with a reply Sakari refused, or whose fate is unknown."""
    await prepare_inbox(pilot)
    app: SakariApp = pilot.app
    rows = [r for r in app.store.inbox.rows(unread_first=False) if not r.opted_out and not r.closed]
    outbox = app.store.outbox
    for row, state, error in (
        (rows[0], SendState.FAILED, "This contact has opted out of texts (CONT-010)."),
        (rows[3], SendState.UNKNOWN, "Cannot reach the Sakari API at api.sakari.io to check."),
    ):
        entry = outbox.add(row.id, None, "Following up on your order", (), created_at=FIXED_NOW)
        entry.state, entry.error = state, error
        if state is SendState.UNKNOWN:
            entry.checks = len(app.engine.delivery.reconcile_at)
        outbox.update(entry)
    await pilot.press("4")
    await _settle(pilot)


async def prepare_snoozed(pilot) -> None:
    """`3`: the conversations snoozed (here one, until tomorrow morning), out of the other views."""
    await prepare_inbox(pilot)
    app: SakariApp = pilot.app
    from sakari_tui.store.views import View

    now = FIXED_NOW.timestamp()
    for row in app.store.inbox.rows(view=View.NEEDS_REPLY, now=now)[:2]:
        app.store.inbox.snooze(row.id, now + 18 * 3600, now)
    await pilot.press("3")
    await _settle(pilot)


async def prepare_help(pilot) -> None:
    """`?` from the list: the list's keys first, the other areas below, scrolling."""
    await prepare_inbox(pilot)
    await pilot.press("question_mark")
    await _wait_for_dialog(pilot)


SCENES: dict[str, Callable[..., Awaitable[None]]] = {
    "inbox": prepare_inbox,
    "thread": prepare_thread,
    "templates": prepare_templates,
    "new-conversation": prepare_new_conversation,
    "opted-out": prepare_opted_out,
    "opt-out-flag": prepare_opt_out_flag,
    "compose-ucs2": prepare_compose_ucs2,
    "search": prepare_search,
    "contact": prepare_contact,
    "templates-manager": prepare_templates_manager,
    "edit-contact": prepare_edit_contact,
    "send-anyway": prepare_send_anyway,
    "help": prepare_help,
    "collision": prepare_collision,
    "sender-filter": prepare_sender_filter,
    "scheduled": prepare_scheduled,
    "needs-reply": prepare_needs_reply,
    "snoozed": prepare_snoozed,
    "waiting": prepare_waiting,
    "failed": prepare_failed,
    "attachments": prepare_attachments,
    "preview": prepare_preview,
}


async def save_scene(name: str, path: str, size: tuple[int, int]) -> None:
    """Render one scene to an SVG file."""
    with scene_server() as server:
        app = scene_app(server)
        async with app.run_test(size=size) as pilot:
            await SCENES[name](pilot)
            app.save_screenshot(path)
        app.store.close()


def main() -> None:
    """`make screenshots`: every scene at 120×40 and 80×24 into screenshots/."""
    import os
    import sys
    import time as _time
    from pathlib import Path

    from sakari_tui.ui.screens.no_config import NoConfigApp

    os.environ["TZ"] = "UTC"
    _time.tzset()
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    for name in SCENES:
        for size in ((120, 40), (80, 24)):
            target = out / f"{name}-{size[0]}x{size[1]}.svg"
            asyncio.run(save_scene(name, str(target), size))
            print(target)

    async def no_config(size: tuple[int, int]) -> None:
        from pathlib import Path as P

        app = NoConfigApp(P("~/.config/sakari-tui/config.toml"), ["account_id", "client_id", "client_secret"])
        async with app.run_test(size=size):
            app.save_screenshot(str(out / f"no-config-{size[0]}x{size[1]}.svg"))

    for size in ((120, 40), (80, 24)):
        asyncio.run(no_config(size))
        print(out / f"no-config-{size[0]}x{size[1]}.svg")


if __name__ == "__main__":
    main()
