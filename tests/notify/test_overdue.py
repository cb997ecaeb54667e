"""notifications.on_overdue: a customer who waited past triage.waiting_alert pages the team once."""

from __future__ import annotations

from datetime import timedelta

from sakari_tui.api import Conversation
from sakari_tui.notify.alerts import Alerts
from sakari_tui.notify.notifier import OverdueEvent
from sakari_tui.store import Store
from sakari_tui.store.overdue import waited

from ..support.factories import NOW, conversation
from .test_notifier import Recorder, notifier

ALERT = timedelta(hours=1)


def by(conv: Conversation, created_by: dict) -> Conversation:
    wire = conv.to_wire()
    wire["lastMessage"]["created"]["by"] = created_by
    return Conversation.model_validate(wire)


def seeded(path):
    store = Store(path)
    store.inbox.merge_conversations(
        [
            conversation("waiting", minutes_ago=90, name="Ana Silva"),
            conversation("recent", minutes_ago=20),
            conversation("answered", minutes_ago=90, outgoing=True),
            by(
                conversation("auto", minutes_ago=75, outgoing=True, unread=["x"]),
                {"source": "autoresponder", "name": "Sales auto-responder"},
            ),
            by(conversation("teammate", minutes_ago=80, outgoing=True), {"firstName": "Alex", "source": "hub"}),
            conversation("closed", minutes_ago=90, closed=True),
            conversation("muted", minutes_ago=90),
            conversation("ancient", minutes_ago=60 * 24 * 5),
        ]
    )
    store.inbox.set_muted("muted", True)
    return store


def test_each_wait_past_the_alert_pages_once_across_restarts(tmp_path):
    store = seeded(tmp_path / "s.sqlite3")
    try:
        found = store.overdue.newly_overdue(NOW, ALERT)
        # Oldest first; an auto-reply answers nobody; teammates', closed, muted and days-old waits page nothing.
        assert [w.conversation_id for w in found] == ["waiting", "auto"]
        assert store.overdue.newly_overdue(NOW + timedelta(minutes=5), ALERT) == []
    finally:
        store.close()
    again = Store(tmp_path / "s.sqlite3")
    try:
        assert again.overdue.newly_overdue(NOW + timedelta(minutes=10), ALERT) == []  # a restart pages nothing again
        # A new text from the customer is a new wait: it pages again once it is overdue too.
        again.inbox.merge_conversations([conversation("waiting", minutes_ago=0, message_id="m-new")])
        assert again.overdue.newly_overdue(NOW + timedelta(minutes=30), ALERT) == []
        later = again.overdue.newly_overdue(NOW + timedelta(minutes=61), ALERT)
        assert [w.conversation_id for w in later] == ["recent", "waiting"]  # "recent" is overdue by now too
    finally:
        again.close()


def test_waited_reads_like_a_person_writes_it():
    assert [waited(NOW - timedelta(minutes=m), NOW) for m in (0, 47, 60, 125, 60 * 30)] == [
        "0m",
        "47m",
        "1h",
        "2h 5m",
        "1d",
    ]


async def test_the_hook_gets_who_and_how_long_without_a_shell(tmp_path):
    store = seeded(tmp_path / "s.sqlite3")
    try:
        run = Recorder()
        pager = notifier(run=run, on_overdue="page-team --urgent", hook_text="scrubbed")
        alerts = Alerts(pager, store, bell=lambda: None, write_terminal=lambda text: None)
        events = alerts.overdue(NOW, ALERT)
        assert [e.waiting for e in events] == ["1h 30m", "1h 15m"]
        assert await alerts.page_overdue(events) == []
        assert [call["argv"] for call in run.calls] == [["page-team", "--urgent"]] * 2
        env = run.calls[0]["env"]
        assert env["SAKARI_CONTACT_NAME"] == "Ana Silva" and env["SAKARI_CONVERSATION_ID"] == "waiting"
        assert env["SAKARI_WAITING"] == "1h 30m" and run.calls[0]["what"] == "notifications.on_overdue"
        assert not any(key.startswith("SAKARI_CLIENT") for key in env)
    finally:
        store.close()


async def test_no_command_pages_nothing_and_records_nothing(tmp_path):
    store = seeded(tmp_path / "s.sqlite3")
    try:
        alerts = Alerts(notifier(), store, bell=lambda: None, write_terminal=lambda text: None)
        assert alerts.overdue(NOW, ALERT) == []
        assert len(store.overdue.newly_overdue(NOW, ALERT)) == 2  # still unpaged: set a command later, it pages
    finally:
        store.close()


async def test_a_failing_hook_is_one_sentence_and_a_bad_command_line_is_said_at_start():
    run = Recorder(result="notifications.on_overdue exited with status 3.")
    pager = notifier(run=run, on_overdue="page")
    assert await pager.page_overdue(OverdueEvent("Ana", "+1", "c", "2h")) == [
        "notifications.on_overdue exited with status 3."
    ]
    broken = notifier(on_overdue="page 'unclosed")
    assert broken.overdue_argv == [] and any("notifications.on_overdue" in p for p in broken.startup_problems)


async def test_hostile_names_reach_the_hook_scrubbed(tmp_path):
    from tests.support.hostile import HOSTILE

    run = Recorder()
    pager = notifier(run=run, on_overdue="page")
    await pager.page_overdue(OverdueEvent(HOSTILE["csi_clear"], "+1\x1b[2J", "c", "1h"))
    env = run.calls[0]["env"]
    assert "\x1b" not in env["SAKARI_CONTACT_NAME"] and "\x1b" not in env["SAKARI_CONTACT_NUMBER"]


def test_a_snoozed_wait_pages_nothing_until_it_wakes(tmp_path):
    store = seeded(tmp_path / "s.sqlite3")
    try:
        store.inbox.snooze("waiting", until=(NOW + timedelta(hours=3)).timestamp(), now=NOW.timestamp())
        assert [w.conversation_id for w in store.overdue.newly_overdue(NOW, ALERT)] == ["auto"]
        later = NOW + timedelta(hours=3, minutes=1)  # the snooze is over: it waits (and pages) again
        # ("recent", 20 minutes old at NOW, is past the hour by then too.)
        assert [w.conversation_id for w in store.overdue.newly_overdue(later, ALERT)] == ["waiting", "recent"]
    finally:
        store.close()
