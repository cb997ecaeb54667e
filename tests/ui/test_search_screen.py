"""The search screen in a tiny app with a fake search function: typing, choosing, cancelling, hostile text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Input, OptionList, Static

from sakari_tui.sms.authors import CUSTOMER, YOU
from sakari_tui.store import Store
from sakari_tui.store.search import SearchHit, Snippet
from sakari_tui.ui.screens.search import SearchScreen, hit_content

from ..support.factories import NOW, conversation
from ..support.hosts import Host
from ..support.keyboard import type_text
from ..support.screen import screen_text
from ..support.waiting import wait_until

HOSTILE = "[@click=app.quit]boom[/] \x1b]52;c;ZXZpbA==\x07 [link=https://evil.example]x[/link] \x1b[2J"


def hit(
    kind="message",
    cid="a",
    mid="m1",
    name="Ana Silva",
    number="+14155550123",
    text="the parcel shipped",
    spans=((4, 10),),
    outgoing=False,
    minutes_ago=5,
    author=None,
) -> SearchHit:
    return SearchHit(
        kind=kind,
        conversation_id=cid,
        message_id=mid if kind == "message" else None,
        name=name,
        number=number,
        created_at=NOW - timedelta(minutes=minutes_ago),
        outgoing=outgoing if kind == "message" else None,
        snippet=Snippet(text, spans),
        author=(author or (YOU if outgoing else CUSTOMER)) if kind == "message" else None,
    )


HITS = [
    hit(
        "contact",
        cid="p",
        name="Parcel Express",
        number="+15550000001",
        text="Parcel Express · +15550000001",
        spans=((0, 6),),
    ),
    hit(mid="m1", text="the parcel shipped", outgoing=True),
    hit(
        mid="m2",
        cid="b",
        name="",
        number="+821012345678",
        text="where is my parcel?",
        spans=((12, 18),),
        minutes_ago=90,
    ),
]


class FakeSearch:
    def __init__(self, hits=HITS):
        self.hits = hits
        self.queries: list[str] = []

    def __call__(self, query: str) -> list[SearchHit]:
        self.queries.append(query)
        return list(self.hits) if "parc".startswith(query.strip().lower()[:4]) or "parcel" in query.lower() else []


def status(app) -> str:
    return str(app.screen.query_one("#search-status", Static).render())


def options(app) -> OptionList:
    return app.screen.query_one("#search-results", OptionList)


async def test_type_see_results_arrow_and_enter_returns_the_hit():
    fake = FakeSearch()
    app = Host(screen=SearchScreen(fake, NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        assert "Type to search" in status(app)
        await type_text(pilot, "parc")
        # On a busy machine the debounce may fire mid-word too ("p" finds the same hits): wait for the word.
        await wait_until(lambda: options(app).option_count == 3 and fake.queries[-1:] == ["parc"], pilot)
        assert fake.queries[-1] == "parc"
        assert len(fake.queries) < 4  # debounced: not one search per key
        assert "1 contact and 2 messages" in status(app)
        text = screen_text(app)
        assert "Parcel Express" in text and "You: the parcel shipped" in text and "+82 10-1234-5678" in text
        assert isinstance(app.focused, Input)  # arrows move the list while typing goes on
        await pilot.press("down", "down")
        assert options(app).highlighted == 2
        await pilot.press("up")
        assert options(app).highlighted == 1
        await pilot.press("enter")
        await wait_until(lambda: app.results, pilot)
    assert app.results == [HITS[1]]


async def test_escape_returns_none_and_no_matches_is_said():
    app = Host(screen=SearchScreen(FakeSearch(), NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "zzz")
        await wait_until(lambda: "No messages or contacts match “zzz”" in status(app), pilot)
        assert options(app).option_count == 0
        await pilot.press("enter")  # nothing to choose: stays open
        assert not app.results
        await pilot.press("escape")
        await wait_until(lambda: app.results, pilot)
    assert app.results == [None]


async def test_clearing_the_query_clears_the_results():
    app = Host(screen=SearchScreen(FakeSearch(), NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "parcel")
        await wait_until(lambda: options(app).option_count == 3, pilot)
        await pilot.press(*["backspace"] * 6)
        await wait_until(lambda: options(app).option_count == 0, pilot)
        assert "Type to search" in status(app)


async def test_a_full_page_of_hits_says_there_may_be_more():
    many = [hit(mid=f"m{i}", minutes_ago=i) for i in range(100)]
    app = Host(screen=SearchScreen(FakeSearch(many), NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "parcel")
        await wait_until(lambda: options(app).option_count == 100, pilot)
        assert "100 messages (the first 100: type more to narrow)" in status(app)
        # Paging needs the list's height: under load the first layout may not have happened yet.
        await wait_until(lambda: options(app).scrollable_content_region.height > 0, pilot)
        await pilot.pause()
        await pilot.press("pagedown", "pagedown", "up")
        await wait_until(lambda: options(app).highlighted == 19, pilot)


async def test_a_failing_search_is_one_plain_line():
    def broken(query: str) -> list[SearchHit]:
        raise RuntimeError("database is locked [/]")

    app = Host(screen=SearchScreen(broken, NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x")
        await wait_until(lambda: "Search failed: database is locked [/]" in status(app), pilot)
        await pilot.press("escape")
        await wait_until(lambda: app.results, pilot)
    assert app.results == [None]


async def test_hostile_text_renders_as_plain_text():
    hostile = [
        hit(name=HOSTILE, number="[b]+1[/b]", text=HOSTILE, spans=((0, 5), (40, 999))),
        hit("contact", cid="x", name="[@click=app.quit]", number="", text=f"plain {HOSTILE}", spans=()),
    ]
    app = Host(screen=SearchScreen(FakeSearch(hostile), NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        await type_text(pilot, "parcel")
        await wait_until(lambda: options(app).option_count == 2, pilot)
        await pilot.pause()
        text = screen_text(app)
        assert "[@click=app.quit]boom[/]" in text and "[link=https://evil.example]x[/link]" in text
        assert "\x1b" not in text and "\x07" not in text
        # Clicking where the fake action would be does nothing; the screen is still there.
        await pilot.click("#search-results", offset=(4, 1))
        assert app.is_running
    for item in hostile:
        content = hit_content(item, NOW)
        assert "\x1b" not in content.plain and "[@click=app.quit]" in content.plain
        assert not any("click" in str(span.style) or "link" in str(span.style) for span in content.spans)


def test_spans_mark_the_match():
    content = hit_content(hit(text="the parcel shipped", spans=((4, 10),), outgoing=True), NOW)
    line = content.plain.split("\n")[1]
    assert line == "  You: the parcel shipped"
    start = content.plain.index("parcel", content.plain.index("\n"))
    assert any(span.start == start and span.end == start + 6 for span in content.spans)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_fits_the_screen_with_a_real_store(size):
    store = Store(":memory:")
    try:
        store.inbox.merge_conversations(
            [
                conversation(
                    f"c{i}",
                    name=f"Customer Number{i}",
                    number=f"+1415555{i:04d}",
                    text=f"Hello, is my order {i} ready? " + "It was placed last week and I would like to know. " * 3,
                    minutes_ago=i * 37,
                )
                for i in range(12)
            ]
        )
        app = Host(screen=SearchScreen(store.search.search, NOW))
        async with app.run_test(size=size) as pilot:
            await type_text(pilot, "order")
            await wait_until(lambda: options(app).option_count == 12, pilot)
            await pilot.pause()
            lines = screen_text(app).splitlines()
            assert len(lines) == size[1] and all(len(line) <= size[0] for line in lines)
            assert any("Customer Number0" in line for line in lines)
            assert any("Hello, is my order 0 ready?" in line for line in lines)
            assert "12 messages" in status(app)
            await pilot.press("down", "enter")
            await wait_until(lambda: app.results, pilot)
        assert app.results[0].conversation_id == "c1" and app.results[0].kind == "message"
    finally:
        store.close()


def test_a_teammates_hit_says_whose_it_is_never_you():
    from sakari_tui.sms.authors import author_of

    alex = author_of(True, {"firstName": "Alex", "source": "hub"}, sent_here=False)
    line = hit_content(hit(outgoing=True, author=alex), NOW).plain.split("\n")[1]
    assert line == "  Alex: the parcel shipped"
    auto = author_of(True, {"source": "autoresponder"}, sent_here=False)
    assert hit_content(hit(outgoing=True, author=auto), NOW).plain.split("\n")[1].startswith("  Auto-reply: ")
