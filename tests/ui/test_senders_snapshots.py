"""Snapshots of the list with senders named in `[[senders]]` (120×40 and 80×24): each row's label,
and the list narrowed to one sender with `s` (the title says which)."""

from __future__ import annotations

import time

import pytest

from devtools.scenes import FIXED_NOW, prepare_inbox, scene_server
from sakari_tui.config import SakariSection, SenderSetting, Settings
from sakari_tui.store import Store
from sakari_tui.sync import InboxEngine
from sakari_tui.ui.app import make_app
from sakari_tui.ui.clock import FrozenClock

SIZES = [(120, 40), (80, 24)]


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="module")
def frozen_server():
    with scene_server() as server:
        yield server


def labelled_app(server):
    settings = Settings(sakari=SakariSection(**server.credentials()))
    settings.senders = [
        SenderSetting(number=sender.number, label=label, group_id=sender.group_id)
        for sender, label in zip(server.state.senders, ("Support", "Sales"), strict=False)
    ]
    engine = InboxEngine(settings.sakari.make_client(), Store(":memory:"))
    return make_app(settings, engine, demo=True, poll=False, clock=FrozenClock(FIXED_NOW), monotonic=lambda: 1000.0)


async def filtered_to_sales(pilot) -> None:
    await prepare_inbox(pilot)
    await pilot.press("s", "s")  # All → Support → Sales
    pilot.app.clear_notifications()
    await prepare_inbox(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scene", ["labelled", "filtered"])
def test_list_with_senders(snap_compare, frozen_server, scene, size):
    app = labelled_app(frozen_server)
    try:
        prepare = prepare_inbox if scene == "labelled" else filtered_to_sales
        assert snap_compare(app, terminal_size=size, run_before=prepare)
    finally:
        app.store.close()
