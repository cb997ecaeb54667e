"""Issue 17: nothing the first frame does not need is imported before it. The inbox is built as
`sakari-tui` builds it (settings from a file, the store, the engine over a client made on first
use, the app) and run to its first frame in a fresh interpreter; pydantic, httpx, the API's models
and its client load only after it (the poller's warm-up, in a thread; here the app does not poll).
phonenumbers is not checked: the list loads it in a thread right after the first frame, which a
test cannot tell from just before it."""

from __future__ import annotations

import json
import subprocess
import sys

from sakari_tui.store import Store
from tests.support.factories import conversation

HEAVY = ("pydantic", "httpx", "sakari_tui.api.models", "sakari_tui.api.client", "sakari_tui.simulator")
# Ours, each wanted only once a key asks for it: search (Ctrl+F), the collision guard (a send), the
# contact merge (an edit), $EDITOR (Ctrl+O), media downloads, snooze times with zoneinfo, and
# Textual's progress bar (the first transfer).
LATER = (
    "sakari_tui.store.search",
    "sakari_tui.sms.collision",
    "sakari_tui.sync.contact_writes",
    "sakari_tui.editor",
    "sakari_tui.media.fetch",
    "sakari_tui.sms.snooze_times",
    "zoneinfo",
    "textual.widgets._progress_bar",
)

FIRST_FRAME = """
import asyncio, json, sys
from pathlib import Path

from sakari_tui.config import load_settings
from sakari_tui.store import Store
from sakari_tui.sync import InboxEngine
from sakari_tui.ui.app import make_app

HEAVY = {heavy!r}
settings = load_settings(Path(sys.argv[1]), env={{}})
store = Store(sys.argv[2], exclusive=True, role="app")
engine = InboxEngine(settings.sakari.client_on_first_use(), store)
app = make_app(settings, engine, settings_path=Path(sys.argv[1]), poll=False)
seen = {{}}


async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        seen["loaded"] = [name for name in HEAVY if name in sys.modules]
        seen["screen"] = app.export_screenshot()
        seen["client_made"] = engine.client.is_made
        engine.client.budget  # the poller's share of the account's budget is there without the client
        seen["client_made_after_budget"] = engine.client.is_made


asyncio.run(main())
store.close()
print(json.dumps(seen))
"""


def test_the_first_frame_shows_the_inbox_without_loading_pydantic_httpx_or_what_only_a_key_needs(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        '[sakari]\naccount_id = "acc-1"\nclient_id = "c"\nclient_secret = "s3cret-s3cret"\n'
        'api_url = "http://127.0.0.1:9"\ntoken_url = "http://127.0.0.1:9/oauth2/token"\n'
        '[ui]\ntheme = "nord"\n[compose]\nsegment_prices = { default = 0.01 }\n'
    )
    config.chmod(0o600)
    store_path = tmp_path / "inbox.sqlite3"
    store = Store(store_path)
    store.inbox.merge_conversations(
        [conversation("c1", minutes_ago=1, name="Zofia Kowalska", unread=["m1"]), conversation("c2", minutes_ago=5)]
    )
    store.close()
    done = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME.format(heavy=HEAVY + LATER), str(config), str(store_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert "Zofia" in seen["screen"]  # the rows are on screen, read from the store
    assert seen["loaded"] == []
    assert seen["client_made"] is False and seen["client_made_after_budget"] is False
