"""Fetching a whole thread for an export: every message once, oldest first, `since` honoured,
and a server that never ends its list stopped with one sentence."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from sakari_tui.api import Message, Page, Pagination
from sakari_tui.exports.thread import export_rows, header_of
from sakari_tui.exports.thread_fetch import MAX_PAGES, ThreadExportError, fetch_whole_thread
from sakari_tui.exports.thread_formats import format_json, verify
from sakari_tui.simulator.clock import iso

from ..support.factories import NOW, message

CUSTOMER = "+15551239876"


def long_thread(server, sim_clock, count: int) -> tuple[str, list[str]]:
    """A new conversation of `count` customer texts, one minute apart; its id and the texts' ids."""
    ids = []
    for n in range(count):
        sim_clock.advance(60)
        ids.append(server.state.inject_inbound(CUSTOMER, f"text {n}"))
    conversation_id = server.state.messages[ids[0]].conversation_id
    return conversation_id, ids


async def test_a_thread_over_several_pages_comes_back_whole_once_and_oldest_first(server, sim_clock, client):
    conversation_id, _ = long_thread(server, sim_clock, 23)
    expected = list(server.state.conversations[conversation_id].message_ids)  # chronological, as the simulator keeps it
    assert len(expected) >= 23
    server.state.reset_request_counts()

    messages = await fetch_whole_thread(client, conversation_id, page_size=5)

    assert [m.id for m in messages] == expected
    times = [m.created_at for m in messages]
    assert times == sorted(times)
    assert server.state.request_counts()["GET /v1/accounts/{accountId}/messages"] == -(-len(expected) // 5)


async def test_since_keeps_only_newer_messages_and_stops_paging_early(server, sim_clock, client):
    conversation_id, ids = long_thread(server, sim_clock, 30)
    since = datetime.fromisoformat(iso(server.state.messages[ids[20]].created_at))  # to the ms, as the API says it
    server.state.reset_request_counts()

    messages = await fetch_whole_thread(client, conversation_id, since=since, page_size=4)

    # The message at the cut itself is kept ("since" includes its moment).
    assert [m.id for m in messages] == ids[20:]
    # 10 newer messages on pages of 4: three pages reach the cut, the fourth is wholly older.
    assert server.state.request_counts()["GET /v1/accounts/{accountId}/messages"] == 4


async def test_an_empty_or_unknown_conversation_has_no_messages(client):
    assert await fetch_whole_thread(client, "no-such-conversation") == []


# --- servers that misbehave (a stand-in client: no socket needed to count pages) ---------------


class PagedClient:
    """Answers `fetch_all_messages` from a list, newest first unless told otherwise."""

    def __init__(self, messages: list[Message], *, has_next=None, ignore_offset=False) -> None:
        self.messages = messages
        self.has_next = has_next
        self.ignore_offset = ignore_offset
        self.requests: list[tuple[int, int]] = []

    async def fetch_all_messages(self, *, offset=0, limit=10, conversation_id=None, **_) -> Page[Message]:
        self.requests.append((offset, limit))
        start = 0 if self.ignore_offset else offset
        items = self.messages[start : start + limit]
        has_next = self.has_next if self.has_next is not None else start + limit < len(self.messages)
        return Page[Message](
            items=items, pagination=Pagination(offset=offset, limit=limit, has_next=has_next), requested_offset=offset
        )


def thread_of(count: int, *, newest_first: bool = True) -> list[Message]:
    messages = [message(f"m{n:04d}", f"text {n}", at=NOW - timedelta(minutes=count - n)) for n in range(count)]
    return messages[::-1] if newest_first else messages


async def test_duplicates_across_pages_come_back_once_and_equal_times_order_by_id():
    same_time = [message(mid, at=NOW) for mid in ("c", "a", "b")]
    older = message("z-old", at=NOW - timedelta(hours=1))
    client = PagedClient([*same_time, same_time[0], older])

    messages = await fetch_whole_thread(client, "a", page_size=2)

    assert [m.id for m in messages] == ["z-old", "a", "b", "c"]


async def test_a_server_that_never_ends_its_list_is_stopped_with_one_sentence():
    client = PagedClient(thread_of(10), has_next=True)  # hasNext stays true after the last page

    messages = await fetch_whole_thread(client, "a", page_size=5)  # an empty page ends it
    assert len(messages) == 10

    endless = PagedClient([message(f"m{n}") for n in range(5)], ignore_offset=True, has_next=True)
    with pytest.raises(ThreadExportError) as raised:
        await fetch_whole_thread(endless, "a", page_size=5)
    assert "same messages again" in str(raised.value)
    assert len(endless.requests) == 2


async def test_more_pages_than_the_cap_is_an_error_not_a_silently_short_export():
    client = PagedClient(thread_of(30))

    with pytest.raises(ThreadExportError) as raised:
        await fetch_whole_thread(client, "a", page_size=5, max_pages=3)

    assert str(raised.value) == (
        "Stopped after 3 pages (15 messages): the Sakari API kept offering more, so the export would be incomplete."
    )
    assert len(client.requests) == 3
    assert MAX_PAGES == 1000


async def test_since_does_not_stop_early_when_the_server_sends_oldest_first():
    # The order is undocumented: a page wholly older than `since` ends the walk only if pages
    # really come newest first, else the newer messages on later pages would be lost.
    client = PagedClient(thread_of(12, newest_first=False))
    since = NOW - timedelta(minutes=3)

    messages = await fetch_whole_thread(client, "a", since=since, page_size=4)

    assert [m.message for m in messages] == ["text 9", "text 10", "text 11"]
    assert len(client.requests) == 3


async def test_since_without_a_zone_is_local_time_and_messages_without_a_time_are_left_out():
    undated = Message.model_validate({"id": "undated", "message": "when?", "conversation": {"id": "a"}})
    client = PagedClient([*thread_of(3), undated])
    local_since = (NOW - timedelta(minutes=2)).astimezone().replace(tzinfo=None)

    messages = await fetch_whole_thread(client, "a", since=local_since)
    assert [m.message for m in messages] == ["text 1", "text 2"]

    everything = await fetch_whole_thread(client, "a")
    assert [m.id for m in everything][0] == "undated"  # no time sorts oldest


@pytest.mark.parametrize("page_size", [0, 101])
async def test_a_page_size_outside_the_apis_range_is_refused(page_size):
    with pytest.raises(ValueError):
        await fetch_whole_thread(PagedClient([]), "a", page_size=page_size)


async def test_a_demo_thread_exported_as_json_reads_back_with_every_message(server, sim_clock, client):
    conversation_id, _ = long_thread(server, sim_clock, 3)
    sim_clock.advance(60)
    server.state.inject_inbound(CUSTOMER, "the parcel", picture="parcel")
    sim_clock.advance(60)
    server.state.colleague_reply(conversation_id, "Thanks, on it", by="alex")

    messages = await fetch_whole_thread(client, conversation_id)
    header = header_of(await client.fetch_conversation(conversation_id))
    rows = export_rows(messages, sent_here=set(), conversation_number=header.contact_number)
    document = json.loads(format_json(rows, header))

    assert [row["id"] for row in document["messages"]] == server.state.conversations[conversation_id].message_ids
    assert document["messageCount"] == 5 and verify(document)
    photo, reply = document["messages"][-2:]
    assert (photo["type"], photo["from"], photo["attachments"][0]["host"]) == ("MMS", CUSTOMER, "127.0.0.1")
    assert (reply["direction"], reply["sentBy"], reply["to"]) == ("out", "Alex · Hub", CUSTOMER)
    assert document["conversation"]["contactNumber"] == CUSTOMER
