"""The list on a large store: its first rows drawn from the head of the listing before the rest is
read, and relists coalesced while a sync's pages arrive (the last page always listed)."""

from __future__ import annotations

import gc
import threading
import weakref

from sakari_tui.store import Store
from sakari_tui.ui.inbox import conversation_pane
from sakari_tui.ui.inbox.conversation_pane import HEAD_ROWS

from ..support.factories import conversation
from ..support.inbox import Inbox
from ..support.waiting import wait_until

COUNT = 5000


def fill(path, count: int = COUNT) -> None:
    store = Store(path)
    store.inbox.merge_conversations(
        conversation(f"c{i}", minutes_ago=i + 1, name=f"Name {i}", unread=(["u"] if i % 7 == 0 else []))
        for i in range(count)
    )
    store.close()


async def big_app(build_app, tmp_path, count: int):
    """An app (not syncing) on a store of `count` conversations: (app, its Inbox, the list's pane)."""
    path = tmp_path / "big.sqlite3"
    fill(path, count)
    app = await build_app(sync=False, store_path=path)
    inbox = Inbox(app)
    return app, inbox, inbox.inbox_screen.conversations


def visible_text(inbox: Inbox, lines: int = 6) -> str:
    return "\n".join("".join(segment.text for segment in inbox.list.render_line(y)) for y in range(lines))


async def test_5000_conversations_show_their_first_rows_before_the_whole_list_is_read(build_app, tmp_path):
    path = tmp_path / "big.sqlite3"
    fill(path)
    app = await build_app(sync=False, store_path=path)
    inbox = Inbox(app)
    pane = inbox.inbox_screen.conversations
    seen: list[tuple[bool, int, str, str]] = []
    counted: list[tuple[bool, int, str]] = []
    read_rest, take_counts = pane._read_rest, pane._counted

    def watched() -> None:
        rows = inbox.list.rows
        # What the list had to draw from before the rest was read: the head alone, not counted.
        seen.append((rows.complete, len(rows), visible_text(inbox), str(inbox.list.border_title)))
        read_rest()

    def watched_counts(listed, counts) -> None:
        take_counts(listed, counts)
        counted.append((inbox.list.rows.complete, len(inbox.list.rows), str(inbox.list.border_title)))

    pane._read_rest, pane._counted = watched, watched_counts
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: inbox.list.rows.complete, pilot)
        assert seen and seen[0][0] is False and seen[0][1] == HEAD_ROWS
        assert "Name 0" in seen[0][2] and "Name 7" in seen[0][2]  # unread first: c0, c7, c14 …
        assert seen[0][3] == "Inbox"  # its counts are read after this frame, in the thread
        fresh = app.store.inbox.listing()
        # The counts came first, before the rest was read: the title and the scrollbar with them.
        assert counted == [(False, COUNT, f"Inbox {fresh.unread_total} unread / {COUNT}")]
        assert inbox.list.rows.ids == fresh.ids and len(inbox.list.rows) == COUNT
        assert f"{fresh.unread_total} unread / {COUNT}" in str(inbox.list.border_title)
        # Past the head: the rows there are the store's, in order.
        await pilot.press("end")
        assert inbox.list.current_id == fresh.ids[-1] and HEAD_ROWS < COUNT


async def test_a_relist_with_the_same_options_keeps_its_counts_in_the_title(build_app, tmp_path):
    """Only a listing other than the one on screen is drawn before it is counted: a relist of the
    same one (a sync, a snooze waking) must not blank the title's counts for a frame."""
    app, inbox, pane = await big_app(build_app, tmp_path, 600)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: inbox.list.rows.complete, pilot)
        title = str(inbox.list.border_title)
        assert "unread / 600" in title
        pane.relist()
        assert inbox.list.rows.counted and str(inbox.list.border_title) == title
        await wait_until(lambda: inbox.list.rows.complete, pilot)
        assert str(inbox.list.border_title) == title


async def test_when_the_thread_reading_the_rest_fails_the_list_is_counted_on_the_loop(build_app, tmp_path):
    app, inbox, pane = await big_app(build_app, tmp_path, 600)
    read = pane._read_entries

    def failing(listed) -> None:
        pane.app.call_from_thread(pane._adopt, listed, None)  # what a failed read hands back

    pane._read_entries = failing
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: inbox.list.rows.counted, pilot)
        fresh = app.store.inbox.listing(show_closed=False)
        assert not inbox.list.rows.complete and len(inbox.list.rows) == len(fresh) == 600
        assert f"{fresh.unread_total} unread / 600" in str(inbox.list.border_title)
        pane._read_entries = read
        await pilot.press("end")  # past the head: read on the loop when first needed
        assert inbox.list.current_id == fresh.ids[-1]


async def test_a_burst_of_pages_is_listed_once_and_its_last_page_is_listed(build_app, tmp_path):
    app, inbox, pane = await big_app(build_app, tmp_path, 600)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: inbox.list.rows.complete and len(inbox.list.rows) == 600, pilot)
        relists: list[int] = []
        relist = pane.relist
        pane.relist = lambda changed=None: (relists.append(1), relist(changed))[1]
        # Ten pages of older conversations (below the screen), with no pause between them.
        for page in range(10):
            ids = [f"old{page}-{i}" for i in range(100)]
            app.store.inbox.merge_conversations(
                conversation(cid, minutes_ago=10_000 + page * 100 + i, name=cid) for i, cid in enumerate(ids)
            )
            pane.relist_soon(ids)
        await wait_until(lambda: len(inbox.list.rows) == 1600 and not pane.relist_pending, pilot)
        assert len(relists) == 1
        assert inbox.list.rows.ids == app.store.inbox.listing().ids


async def test_changes_off_screen_wait_for_the_gap_and_on_screen_ones_do_not(build_app, tmp_path, monkeypatch):
    monkeypatch.setattr(conversation_pane, "RELIST_GAP_S", 60.0)  # far longer than the test
    app, inbox, pane = await big_app(build_app, tmp_path, 600)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: inbox.list.rows.complete, pilot)
        pane.relist()  # just relisted: a burst's next relist of rows off screen waits for the gap
        pane.relist_soon([inbox.list.rows.ids[-1]])
        assert pane._relist_due_at >= pane._relisted_at + 60.0
        pane.relist_soon([inbox.list.visible_ids()[0]])  # brought forward: the screen stays current
        assert pane._relist_due_at < pane._relisted_at + 60.0
        await wait_until(lambda: not pane.relist_pending, pilot)


async def test_a_syncs_page_is_read_in_a_thread_and_moved_into_the_list(build_app, tmp_path):
    app, inbox, pane = await big_app(build_app, tmp_path, 600)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: inbox.list.rows.complete, pilot)
        threads: list[bool] = []
        read = pane._read_changes

        def watched(*args) -> None:
            threads.append(threading.current_thread() is not threading.main_thread())
            read(*args)

        pane._read_changes = watched
        ids = [f"page-{i}" for i in range(100)]  # older than every row: below the screen
        app.store.inbox.merge_conversations(
            conversation(cid, minutes_ago=10_000 + i, name=cid, unread=["u"] if i % 2 else [])
            for i, cid in enumerate(ids)
        )
        pane.relist_soon(ids)
        await wait_until(lambda: len(inbox.list.rows) == 700 and not pane.relist_pending, pilot)
        assert threads == [True]
        fresh = app.store.inbox.listing()
        assert inbox.list.rows.ids == fresh.ids and inbox.list.rows.unread == fresh.unread
        assert f"{fresh.unread_total} unread / 700" in str(inbox.list.border_title)


async def test_the_listings_a_sync_moves_past_are_freed_at_once_not_at_a_full_collection(build_app, tmp_path):
    """A finished worker waits in a reference cycle for the collector's full pass: holding the
    listing it read for, it kept lists of every entry alive until then, and at 100,000
    conversations each such pass stopped the loop for 200-300 ms."""
    app, inbox, pane = await big_app(build_app, tmp_path, 600)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: inbox.list.rows.complete, pilot)
        gc.collect()
        gc.disable()  # from here, only reference counting frees anything
        try:
            passed: list[weakref.ref] = []
            for page in range(3):
                passed.append(weakref.ref(inbox.list.rows))
                ids = [f"page{page}-{i}" for i in range(20)]
                app.store.inbox.merge_conversations(
                    conversation(cid, minutes_ago=10_000 * (page + 1) + i, name=cid) for i, cid in enumerate(ids)
                )
                pane.relist_soon(ids)
                await wait_until(lambda n=600 + 20 * (page + 1): len(inbox.list.rows) == n, pilot)
                await wait_until(lambda: not pane.relist_pending and not pane._reading_changes, pilot)
            await pilot.pause(0.05)
            assert [ref() is None for ref in passed] == [True, True, True]
        finally:
            gc.enable()


async def test_a_page_read_in_a_thread_while_the_list_is_listed_afresh_is_listed_all_the_same(build_app, tmp_path):
    app, inbox, pane = await big_app(build_app, tmp_path, 600)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: inbox.list.rows.complete, pilot)
        go_on = threading.Event()
        real = app.store.inbox.listing_changes
        calls: list[int] = []

        def held(*args, **kwargs):
            calls.append(1)
            if len(calls) == 1:
                assert go_on.wait(10)
            return real(*args, **kwargs)

        app.store.inbox.listing_changes = held
        first = [f"first-{i}" for i in range(50)]
        app.store.inbox.merge_conversations(
            conversation(cid, minutes_ago=10_000 + i, name=cid) for i, cid in enumerate(first)
        )
        pane.relist_soon(first)
        await wait_until(lambda: pane._reading_changes, pilot)
        pane.relist()  # listed afresh (a toggle, say) while the thread reads: its rows are new
        second = [f"second-{i}" for i in range(50)]  # and the next page arrives meanwhile
        app.store.inbox.merge_conversations(
            conversation(cid, minutes_ago=20_000 + i, name=cid) for i, cid in enumerate(second)
        )
        pane.relist_soon(second)
        go_on.set()
        await wait_until(lambda: len(inbox.list.rows) == 700 and not pane.relist_pending, pilot)
        assert inbox.list.rows.ids == app.store.inbox.listing().ids
