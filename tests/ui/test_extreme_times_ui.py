"""The app over a store holding year-0001 and year-9999 messages (as older versions wrote them), east of UTC."""

from __future__ import annotations

import time

import pytest

from sakari_tui.store import Store
from sakari_tui.sync import InboxEngine
from sakari_tui.ui.app import make_app
from tests.store.test_extreme_times import plant_old_rows

from ..support.factories import settings_for
from ..support.inbox import Inbox
from ..support.waiting import wait_until


@pytest.fixture
def tokyo(monkeypatch):
    """East of UTC: 9999-12-31T23:59:59Z is in the year 10000 locally."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def test_the_app_opens_lists_and_shows_both_threads(server, tmp_path, tokyo):
    path = tmp_path / "inbox.sqlite3"
    plant_old_rows(path)
    settings = settings_for(server)
    store = Store(path)
    engine = InboxEngine(settings.sakari.make_client(), store)
    app = make_app(settings, engine, poll=False)
    inbox = Inbox(app)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            ids = [row.id for row in inbox.rows]
            assert {"zero", "end"} <= set(ids)
            for cid, text in (("end", "from the end of time"), ("zero", "from the zero time")):
                inbox.open(cid, focus_compose=False)
                await wait_until(lambda text=text: text in inbox.thread_text(), pilot)
            assert app.return_code is None
    finally:
        store.close()
