"""`sakari-tui thread show|export` over loopback: every message of the conversation, JSON that
round-trips through json.loads and verifies, CSV and text, --since, --output, an unknown id."""

from __future__ import annotations

import csv
import io
import json

from sakari_tui.exports import verify

from ..support.scripting import run


def longest_thread(server):
    with server.state.lock:
        conversation = max(server.state.conversations.values(), key=lambda c: len(c.message_ids))
        return conversation, [server.state.messages[mid] for mid in conversation.message_ids]


def test_export_json_round_trips_with_every_message_and_verifies(account, capsys):
    conversation, messages = longest_thread(account)
    code, out, err = run(capsys, "thread", "export", conversation.id, "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert [m["id"] for m in document["messages"]] == [m.id for m in sorted(messages, key=lambda m: m.created_at)]
    assert document["messageCount"] == len(messages) and verify(document)
    document["messages"][0]["text"] += "!"
    assert not verify(document)


def test_show_is_a_transcript_and_csv_one_row_per_message(account, capsys, tmp_path):
    conversation, messages = longest_thread(account)
    code, out, err = run(capsys, "thread", "show", conversation.id)
    assert code == 0, err and out.startswith(f"Conversation {conversation.id}")
    newest = max(messages, key=lambda m: m.created_at)
    assert " ".join(newest.text.split())[:20] in " ".join(out.split())
    target = tmp_path / "thread.csv"
    code, out, err = run(capsys, "thread", "export", conversation.id, "--format", "csv", "-o", str(target))
    assert code == 0 and out == "", err
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert len(rows) == len(messages) and {"id", "status", "sentBy", "attachments"} <= set(rows[0])


def test_since_keeps_only_the_later_messages(account, capsys):
    conversation, messages = longest_thread(account)
    ordered = sorted(messages, key=lambda m: m.created_at)
    cut = ordered[len(ordered) // 2]
    from datetime import datetime, timezone

    floor = int(cut.created_at)  # the API gives times to the millisecond: a whole second is safe
    since = datetime.fromtimestamp(floor, timezone.utc).isoformat()
    code, out, err = run(capsys, "thread", "export", conversation.id, "--since", since)
    assert code == 0, err
    ids = [m["id"] for m in json.loads(out)["messages"]]
    assert ids == [m.id for m in ordered if m.created_at >= floor] and 0 < len(ids) < len(ordered)


def test_an_unknown_conversation_or_date_is_a_usage_error(account, capsys):
    code, out, err = run(capsys, "thread", "export", "no-such-conversation", "--since", "last tuesday")
    assert code == 2 and out == "" and "--since" in err
    code, out, err = run(capsys, "thread", "show", "no-such-conversation")
    assert code in (0, 2)
    if code == 0:  # the simulator answers an empty thread for an unknown id
        assert "0 messages" in out
    else:
        assert "No conversation" in err


def test_the_help_lists_the_export_fields():
    from sakari_tui.cli.thread import MESSAGE_FIELDS
    from sakari_tui.exports.thread import FIELDS

    assert MESSAGE_FIELDS == FIELDS
