"""Endless pagination (issue 10, points 11 and 12): a hostile list never makes the client loop.

Servers whose `hasNext` is always true, whose `totalCount` is 10^18 with the offset ignored, or
which echo negative offsets, against `Page.next_offset`, `paginate()` and `collect()`.
"""

from __future__ import annotations

import asyncio

import pytest

from sakari_tui.api import Collected, Page, Pagination, SakariClient

from .hostile import HostileServer, RawRequest, send_json

# Generous: a client that loops fails here instead of hanging the suite.
WALK_TIMEOUT_S = 30


def templates_page(request: RawRequest, ids: list[int], **pagination) -> dict:
    return {
        "success": True,
        "data": [{"id": f"t{i}", "name": f"T{i}", "template": "Hi"} for i in ids],
        "pagination": pagination,
    }


async def same_page_forever(request: RawRequest, writer) -> None:
    """Ignores the offset: the first ten templates again and again, with a huge total."""
    body = templates_page(request, list(range(10)), offset=0, limit=10, totalCount=10**18, hasNext=True)
    await send_json(writer, 200, body)


async def fresh_ids_forever(request: RawRequest, writer) -> None:
    """Honours the offset but never ends: every page brings new templates."""
    offset, limit = int(request.query.get("offset", 0)), int(request.query.get("limit", 10))
    body = templates_page(request, list(range(offset, offset + limit)), offset=offset, limit=limit, hasNext=True)
    await send_json(writer, 200, body)


async def negative_offset_echo(request: RawRequest, writer) -> None:
    """25 templates served correctly, but the echoed offset is always -10."""
    offset, limit = int(request.query.get("offset", 0)), int(request.query.get("limit", 10))
    ids = list(range(offset, min(offset + limit, 25)))
    body = templates_page(request, ids, offset=-10, limit=limit, hasNext=offset + limit < 25)
    await send_json(writer, 200, body)


def offsets(server: HostileServer) -> list[int]:
    return [int(request.query.get("offset", 0)) for request in server.api_requests()]


async def walk(client: SakariClient, **kwargs) -> list[str]:
    async def run() -> list[str]:
        return [t.id async for t in client.paginate(client.fetch_all_templates, **kwargs)]

    return await asyncio.wait_for(run(), WALK_TIMEOUT_S)


def page(n: int, requested_offset: int, **pagination) -> Page[int]:
    return Page[int](items=list(range(n)), pagination=Pagination(**pagination), requested_offset=requested_offset)


def test_next_offset_counts_from_the_requested_offset_and_always_advances():
    assert page(10, 20, offset=0, limit=10, has_next=True).next_offset == 30  # offset ignored by the server
    assert page(10, 20, offset=-50, limit=10, has_next=True).next_offset == 30  # negative echo
    assert page(10, 20, offset=10**18, limit=10, has_next=True).next_offset == 30  # absurd echo
    assert page(10, 0, offset=0, limit=10, total_count=10**18).next_offset == 10
    assert page(10, -5, offset=-5, limit=10, has_next=True).next_offset == 10  # never a negative request
    assert page(0, 20, offset=20, limit=10, has_next=True, total_count=10**18).next_offset is None


async def test_paginate_stops_when_a_page_brings_nothing_new():
    async with HostileServer(same_page_forever) as server, SakariClient(**server.client_settings()) as client:
        ids = await walk(client, page_size=10)
    assert ids == [f"t{i}" for i in range(10)]
    assert offsets(server) == [0, 10]


async def test_paginate_stops_at_the_page_cap_when_every_page_is_new():
    async with HostileServer(fresh_ids_forever) as server, SakariClient(**server.client_settings()) as client:
        ids = await walk(client, page_size=10, max_pages=5)
        capped = await walk(client, page_size=10, max_items=15)
    assert len(ids) == 50 == len(set(ids))
    assert capped == [f"t{i}" for i in range(15)]
    assert offsets(server) == [0, 10, 20, 30, 40, 0, 10]


async def test_paginate_ignores_negative_echoed_offsets():
    async with HostileServer(negative_offset_echo) as server, SakariClient(**server.client_settings()) as client:
        ids = await walk(client, page_size=10)
    assert ids == [f"t{i}" for i in range(25)]
    assert offsets(server) == [0, 10, 20]


async def test_collect_caps_an_endless_list_and_says_so():
    async with HostileServer(fresh_ids_forever) as server, SakariClient(**server.client_settings()) as client:
        collected = await asyncio.wait_for(client.collect(client.fetch_all_templates, max_items=1000), WALK_TIMEOUT_S)
        pages = await asyncio.wait_for(client.collect(client.fetch_all_templates, max_pages=3), WALK_TIMEOUT_S)
    assert isinstance(collected, Collected)
    assert len(collected.items) == 1000 and not collected.complete
    assert collected.reason == "Stopped after 1,000 templates; the Sakari API kept offering more."
    assert len(pages.items) == 300 and not pages.complete
    assert pages.reason == "Stopped after 3 pages of templates; the Sakari API kept offering more."
    assert len(server.api_requests()) == 10 + 3


async def test_collect_of_a_repeating_list_keeps_what_came_and_says_so():
    async with HostileServer(same_page_forever) as server, SakariClient(**server.client_settings()) as client:
        collected = await asyncio.wait_for(client.collect(client.fetch_all_templates), WALK_TIMEOUT_S)
    assert [t.id for t in collected.items] == [f"t{i}" for i in range(10)]
    assert not collected.complete
    assert collected.reason == "Stopped reading templates: the Sakari API sent the same ones again."


async def test_collect_of_an_honest_list_is_complete(demo_server, demo_client):
    collected = await demo_client.collect(demo_client.fetch_all_templates)
    assert collected.complete and collected.reason is None
    assert len(collected.items) == len({t.id async for t in demo_client.iter_templates()}) > 0


async def test_collect_of_exactly_max_items_is_complete():
    async def exactly_twenty(request: RawRequest, writer) -> None:
        offset = int(request.query.get("offset", 0))
        ids = list(range(offset, min(offset + 10, 20)))
        await send_json(writer, 200, templates_page(request, ids, offset=offset, limit=10, totalCount=20))

    async with HostileServer(exactly_twenty) as server, SakariClient(**server.client_settings()) as client:
        collected = await client.collect(client.fetch_all_templates, max_items=20, page_size=10)
    assert len(collected.items) == 20 and collected.complete and collected.reason is None


@pytest.mark.parametrize("bad", [{"max_pages": 0}, {"max_items": 0}])
async def test_collect_refuses_caps_that_allow_nothing(bad):
    client = SakariClient(account_id="a", client_id="c", client_secret="s", api_url="http://127.0.0.1:9")
    with pytest.raises(ValueError):
        await client.collect(client.fetch_all_templates, **bad)


async def test_a_long_page_is_validated_a_few_items_at_a_time_with_the_event_loop_running_between(monkeypatch):
    """A page of 100 conversations is 6-15 ms of validation: keys and frames get through in between."""
    from sakari_tui.api.models import Template
    from sakari_tui.api.session import VALIDATE_CHUNK

    async def hundred(request: RawRequest, writer) -> None:
        await send_json(writer, 200, templates_page(request, list(range(100)), offset=0, limit=100, hasNext=False))

    turns = [0]
    seen_at: list[int] = []  # the loop's turns so far, as each item is validated
    real = Template.model_validate.__func__

    def validate(cls, data, *args, **kwargs):
        seen_at.append(turns[0])
        return real(cls, data, *args, **kwargs)

    async def count_turns() -> None:
        while True:
            turns[0] += 1
            await asyncio.sleep(0)

    async with HostileServer(hundred) as server, SakariClient(**server.client_settings()) as client:
        counter = asyncio.create_task(count_turns())
        monkeypatch.setattr(Template, "model_validate", classmethod(validate))
        page = await client.fetch_all_templates(limit=100)
        counter.cancel()
    assert [t.id for t in page.items] == [f"t{i}" for i in range(100)]
    assert len(seen_at) == 100
    # The items of one chunk in one turn; the loop ran between each chunk and the next.
    assert len(set(seen_at)) == 100 // VALIDATE_CHUNK
