"""`sakari-tui send` and `conversations list` against the simulator over loopback: the happy path,
each guard refusing with exit 3 (and `--yes` where a person would be asked), `--json` parsed
field by field, errors as JSON, and a send whose answer was lost found again by the next run."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from ..support.scripting import copies, customer_waiting, run, write_settings

SEND = "POST /v1/accounts/{accountId}/messages"


def test_send_to_a_number_prints_the_id_and_sends_one_copy(account, capsys):
    _conversation, contact = customer_waiting(account)
    code, out, err = run(capsys, "send", "--to", contact.mobile, "--no-wait", "--json", "Your order is ready")
    assert code == 0, err
    result = json.loads(out)
    assert result["to"] == contact.mobile and result["text"] == "Your order is ready"
    assert result["status"] in ("queued", "sent", "delivered") and result["sendAt"] is None
    [copy] = copies(account, "Your order is ready")
    assert result["id"] == copy.id and result["conversationId"] == copy.conversation_id


def test_a_number_may_be_written_with_spaces(account, capsys):
    _conversation, contact = customer_waiting(account)
    spaced = f"{contact.mobile[:2]} {contact.mobile[2:5]} {contact.mobile[5:]}"
    code, out, err = run(capsys, "send", "--to", *spaced.split(" "), "--no-wait", "Spaced out")
    assert code == 0, err and len(copies(account, "Spaced out")) == 1
    assert out.split()[0] == copies(account, "Spaced out")[0].id


def test_an_opted_out_contact_is_refused_with_exit_3_and_one_sentence(account, capsys):
    with account.state.lock:
        blocked = next(c for c in account.state.contacts.values() if c.blocked_at is not None)
    code, out, err = run(capsys, "send", "--to", blocked.mobile, "Hello?")
    assert code == 3 and out == ""
    assert err == "sakari-tui: This contact opted out; texts to them are refused.\n"
    code, _out, err = run(capsys, "send", "--to", blocked.mobile, "--json", "Hello?")
    assert code == 3 and json.loads(err) == {
        "error": {"code": 3, "kind": "refused", "message": "This contact opted out; texts to them are refused."}
    }
    assert copies(account, "Hello?") == []


def test_a_long_text_and_unfilled_placeholders_need_yes(account, capsys):
    _conversation, contact = customer_waiting(account)
    long = "This text goes on and on. " * 25
    code, _out, err = run(capsys, "send", "--to", contact.mobile, "--no-wait", long)
    assert code == 3 and "segments" in err and "--yes" in err and copies(account, long) == []
    code, _out, err = run(capsys, "send", "--to", contact.mobile, "--no-wait", "--yes", long)
    assert code == 0, err and len(copies(account, long)) == 1
    code, _out, err = run(capsys, "send", "--to", contact.mobile, "--no-wait", "Hi {{ nickname }}")
    assert code == 3 and "nickname" in err and "--yes" in err


def test_a_colleagues_answer_since_the_customer_wrote_refuses_a_reply_unless_yes(account, capsys):
    conversation, _contact = customer_waiting(account)
    account.state.colleague_reply(conversation.id, "On it!", by="alex")
    code, _out, err = run(capsys, "send", "--conversation", conversation.id, "--no-wait", "We'll look into it")
    assert code == 3 and "Alex" in err and "--yes" in err
    assert copies(account, "We'll look into it") == []
    code, _out, err = run(capsys, "send", "--conversation", conversation.id, "--no-wait", "--yes", "We'll look into it")
    assert code == 0, err and len(copies(account, "We'll look into it")) == 1


def test_quiet_hours_refuse_unless_yes_or_at(account, capsys, monkeypatch):
    write_settings("[compose]\nquiet_hours = true\n")
    _conversation, contact = customer_waiting(account)
    from sakari_tui.sms.quiet_hours import recipient_time_zones

    zone = sorted(recipient_time_zones(contact.mobile))[0]
    from zoneinfo import ZoneInfo

    night = datetime(2026, 12, 2, 3, 0, tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)
    monkeypatch.setattr("sakari_tui.cli.send._now", lambda: night)
    code, _out, err = run(capsys, "send", "--to", contact.mobile, "--no-wait", "Night owl")
    assert code == 3 and "outside 08:00" in err and "--at" in err and copies(account, "Night owl") == []
    code, _out, err = run(capsys, "send", "--to", contact.mobile, "--no-wait", "--yes", "Night owl")
    assert code == 0, err


def test_a_send_whose_answer_was_lost_is_found_by_the_next_run_not_sent_again(account, capsys, monkeypatch):
    from sakari_tui.api import ApiUnavailable, SakariClient

    _conversation, contact = customer_waiting(account)
    text = "Exactly once, please"
    # The POST is saved but its answer lost, and the look for it fails: the fate is unknown.
    account.state.set_faults(drop_after_commit_rate=1.0, operations=(SEND,))
    real_read = SakariClient.fetch_all_messages

    async def cut(self, **kwargs):
        raise ApiUnavailable("The connection was cut.", request_sent=False)

    monkeypatch.setattr(SakariClient, "fetch_all_messages", cut)
    code, _out, err = run(capsys, "send", "--to", contact.mobile, "--no-wait", text)
    assert code == 5 and "check before sending again" in err
    assert len(copies(account, text)) == 1
    account.state.set_faults()
    monkeypatch.setattr(SakariClient, "fetch_all_messages", real_read)
    code, out, err = run(capsys, "send", "--to", contact.mobile, "--no-wait", text)
    assert code == 0, err
    [copy] = copies(account, text)
    assert out.split()[0] == copy.id


def test_unreachable_sakari_is_offline_exit_6(account, capsys, monkeypatch):
    monkeypatch.setenv("SAKARI_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("SAKARI_TOKEN_URL", "http://127.0.0.1:9/oauth2/token")
    _conversation, contact = customer_waiting(account)
    code, out, err = run(capsys, "send", "--to", contact.mobile, "Anyone there?")
    assert code == 6 and out == "" and err.startswith("sakari-tui: ") and err.count("\n") == 1


def test_bad_numbers_and_missing_text_are_usage_errors(account, capsys):
    code, _out, err = run(capsys, "send", "--to", "+1 555", "Hi")
    assert code == 2 and "not" in err and "phone number" in err
    code, _out, err = run(capsys, "send", "--to", "+14155550100")
    assert code == 2 and "Nothing to send" in err
    code, _out, err = run(capsys, "conversations", "list", "--json", "id,nope")
    assert code == 2 and "unknown field nope" in err


def test_conversations_list_shows_the_needs_reply_view_as_json(account, capsys):
    code, _out, err = run(capsys, "conversations", "list", "--sync", "--json")
    assert code == 0, err
    code, out, err = run(capsys, "conversations", "list", "--view", "needs-reply", "--json", "id,contact,waiting")
    assert code == 0, err
    rows = json.loads(out)
    assert rows and all(set(row) == {"id", "contact", "waiting"} for row in rows)
    assert all(row["waiting"] for row in rows)
    with account.state.lock:
        for row in rows:
            conversation = account.state.conversations[row["id"]]
            assert not account.state.messages[conversation.message_ids[-1]].outgoing
    code, out, _err = run(capsys, "conversations", "list", "--limit", "2")
    assert code == 0 and len([line for line in out.splitlines() if not line.startswith("    ")]) == 2


def test_while_the_app_runs_send_queues_into_its_outbox_and_the_app_sends_it_once(account, capsys):
    """The app owns the store: `send` checks, queues into the app's outbox and waits; the app's
    own poll sends it (one process sends each row)."""
    import asyncio
    import threading

    from sakari_tui.api import SakariClient
    from sakari_tui.cli.inbox import account_store_path
    from sakari_tui.store import Store
    from sakari_tui.sync import InboxEngine

    path = account_store_path(account.account_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    ready, stop = threading.Event(), threading.Event()

    def app() -> None:
        async def run() -> None:
            store = Store(path, exclusive=True, role="app")
            client = SakariClient(**account.credentials())
            engine = InboxEngine(client, store)
            await engine.sync_conversations()
            ready.set()
            while not stop.is_set():
                await engine.retry_due()  # what the app's poller does every few seconds
                await asyncio.sleep(0.1)
            await client.aclose()
            store.close()

        asyncio.run(run())

    owner = threading.Thread(target=app, daemon=True)
    owner.start()
    try:
        assert ready.wait(20)
        _conversation, contact = customer_waiting(account)
        code, out, err = run(capsys, "send", "--to", contact.mobile, "--wait", "3", "--json", "Sent by the app")
        assert code == 0, err
        result = json.loads(out)
        [copy] = copies(account, "Sent by the app")
        assert result["id"] == copy.id and result["localId"].startswith("out-")
    finally:
        stop.set()
        owner.join(20)
    store = Store(path)
    try:
        assert store.outbox.all() == []
        assert store.db.execute("SELECT message_id FROM sent_here WHERE local_id = ?", (result["localId"],)).fetchone()
    finally:
        store.close()


def test_a_template_filled_from_the_contact_and_vars(account, capsys):
    conversation, contact = customer_waiting(account)
    code, out, err = run(
        capsys, "send", "--conversation", conversation.id, "--template", "appointment reminder", "--no-wait", "--json"
    )
    assert code == 0, err
    text = json.loads(out)["text"]
    assert "{{" not in text and "a reminder of your bike service" in text
    if contact.first_name:
        assert contact.first_name in text
    code, _out, err = run(capsys, "send", "--to", contact.mobile, "--template", "No such template", "--no-wait")
    assert code == 2 and "No template named" in err and "Welcome" in err
    code, out, err = run(
        capsys, "send", "--to", contact.mobile, "--var", "day=Friday", "--no-wait", "--json", "See you {{ day }}"
    )
    assert code == 0, err and json.loads(out)["text"] == "See you Friday"


def test_fold_gsm7_replaces_what_forces_ucs2(account, capsys):
    _conversation, contact = customer_waiting(account)
    code, out, err = run(
        capsys, "send", "--to", contact.mobile, "--fold-gsm7", "--no-wait", "--json", "It’s “ready” — come by…"
    )
    assert code == 0, err
    assert json.loads(out)["text"] == 'It\'s "ready" - come by...'


def test_at_schedules_into_the_outbox_and_outbox_list_shows_it(account, capsys):
    conversation, _contact = customer_waiting(account)
    code, out, err = run(capsys, "send", "--conversation", conversation.id, "--at", "2h", "--json", "Later, then")
    assert code == 0, err
    result = json.loads(out)
    assert result["status"] == "scheduled" and result["sendAt"] and result["id"] is None
    assert copies(account, "Later, then") == []
    code, out, err = run(capsys, "outbox", "list", "--json", "localId,state")
    assert code == 0 and {"localId": result["localId"], "state": "scheduled"} in json.loads(out)
    code, _out, err = run(capsys, "send", "--conversation", conversation.id, "--at", "someday", "Later")
    assert code == 2 and "--at" in err


def test_sender_picks_the_number_and_an_unknown_label_is_a_usage_error(account, capsys):
    _conversation, contact = customer_waiting(account)
    code, _out, err = run(capsys, "send", "--to", contact.mobile, "--sender", "Nowhere", "--no-wait", "Hi")
    assert code == 2 and "not one of this account's senders" in err


def test_a_send_killed_after_its_post_is_found_by_the_rerun_not_sent_twice(account, capsys):
    """A real SIGKILL: the server holds the POST (and commits it after the client is gone); the
    same `send` run again finds the row left in the outbox, looks for it, and prints its id."""
    import os
    import signal
    import subprocess
    import sys
    import time

    _conversation, contact = customer_waiting(account)
    text = "Killed mid-send"
    account.state.set_faults(commit_delay=1.5, commit_delay_rate=1.0, operations=(SEND,))
    account.state.reset_request_counts()
    child = subprocess.Popen(
        [sys.executable, "-m", "sakari_tui", "send", "--to", contact.mobile, "--no-wait", text],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while account.state.request_counts().get(SEND, 0) < 1:
            assert time.monotonic() < deadline and child.poll() is None, "the send never reached the server"
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)  # the POST is out; its answer never comes back
    finally:
        child.wait(10)
    deadline = time.monotonic() + 10
    while not copies(account, text):  # the server commits after the held time, client gone or not
        assert time.monotonic() < deadline
        time.sleep(0.05)
    account.state.set_faults()
    code, out, err = run(capsys, "send", "--to", contact.mobile, "--no-wait", text)
    assert code == 0, err
    [copy] = copies(account, text)
    assert out.split()[0] == copy.id


def test_text_from_standard_input_and_their_morning(account, capsys, monkeypatch):
    import io

    conversation, contact = customer_waiting(account)
    monkeypatch.setattr("sys.stdin", io.StringIO("Read from a pipe\n"))
    code, out, err = run(capsys, "send", "--to", contact.mobile, "--no-wait", "--json", "-")
    assert code == 0, err and json.loads(out)["text"] == "Read from a pipe\n"
    code, out, err = run(capsys, "send", "--conversation", conversation.id, "--at", "their-08:00", "--json", "Morning!")
    assert code == 0, err
    result = json.loads(out)
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sakari_tui.sms.quiet_hours import recipient_time_zones

    zones = recipient_time_zones(contact.mobile)
    local = [datetime.fromisoformat(result["sendAt"]).astimezone(ZoneInfo(zone)) for zone in zones]
    assert result["status"] == "scheduled" and any(t.hour == 8 and t.minute == 0 for t in local)


def test_a_fresh_opt_out_on_sakari_refuses_even_when_the_store_does_not_know(account, capsys):
    conversation, contact = customer_waiting(account)
    with account.state.lock:
        account.state.contacts[contact.id].tags.append({"tag": "opted-out", "visible": True})  # marked elsewhere
    code, out, err = run(capsys, "send", "--conversation", conversation.id, "--no-wait", "Still there?")
    assert code == 3 and "opted out" in err and copies(account, "Still there?") == []


def test_a_scripted_send_leaves_the_apps_draft_alone(account, capsys):
    from sakari_tui.cli.inbox import account_store_path
    from sakari_tui.store import Store

    conversation, _contact = customer_waiting(account)
    assert run(capsys, "conversations", "list", "--sync")[0] == 0
    store = Store(account_store_path(account.account_id))
    store.drafts.save(conversation.id, "Half-written reply in the app")
    store.close()
    code, _out, err = run(capsys, "send", "--conversation", conversation.id, "--no-wait", "From cron")
    assert code == 0, err
    store = Store(account_store_path(account.account_id))
    try:
        assert store.drafts.get(conversation.id) == "Half-written reply in the app"
    finally:
        store.close()


def test_another_command_holding_the_store_is_waited_for_then_refused(account, capsys):
    from sakari_tui.cli.inbox import account_store_path
    from sakari_tui.store import Store

    _conversation, contact = customer_waiting(account)
    path = account_store_path(account.account_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    holder = Store(path, exclusive=True)  # another `sakari-tui send`, say: it delivers nothing of ours
    try:
        code, out, err = run(capsys, "send", "--to", contact.mobile, "--wait", "0.5", "Queued for nobody?")
    finally:
        holder.close()
    assert code == 3 and "Another sakari-tui command" in err and out == ""
    assert copies(account, "Queued for nobody?") == []


def test_a_rerun_never_takes_over_a_failed_row_or_one_with_a_file(account, capsys, tmp_path):
    from sakari_tui.cli.inbox import account_store_path
    from sakari_tui.store import SendState, Store
    from sakari_tui.store.outbox_media import local_file

    conversation, _contact = customer_waiting(account)
    assert run(capsys, "conversations", "list", "--sync")[0] == 0
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG" + b"\0" * 32)
    store = Store(account_store_path(account.account_id))
    failed = store.outbox.add(conversation.id, None, "Thanks!", (), media=local_file(secret))
    failed.state, failed.error = SendState.FAILED, "Refused earlier."
    store.outbox.update(failed)
    store.close()
    code, _out, err = run(capsys, "send", "--conversation", conversation.id, "--no-wait", "--yes", "Thanks!")
    assert code == 0, err
    [copy] = copies(account, "Thanks!")
    assert copy.kind == "SMS" and not copy.media  # the user's text, not the app's old MMS
    store = Store(account_store_path(account.account_id))
    try:
        assert store.outbox.get(failed.local_id).state is SendState.FAILED  # left for the app's user
    finally:
        store.close()
