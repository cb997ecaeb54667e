"""Fixtures for the hostile-text tests: a simulator seeded with the corpus, a hostile API, screen probes."""

from __future__ import annotations

import asyncio
import io
import re
import time
from collections.abc import Iterator

import httpx
import pytest
from rich.console import Console

from sakari_tui.simulator import ManualClock, SimulatorServer
from sakari_tui.store import Store
from sakari_tui.sync import InboxEngine
from sakari_tui.ui.app import SakariApp, make_app

from ..ui.conftest import settings_for, wait_until  # noqa: F401  (re-exported for the tests)
from .hostile import EVIL_URL, TERMINAL_FORBIDDEN
from .seed import MEDIA_HOST, seed

# Nothing drawn on screen may contain these: every C0 control (newline and tab included: a cell
# holds neither), DEL, C1, bidi embedding/override/isolate controls and lone surrogates.
SCREEN_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


class HostileAPI(httpx.AsyncBaseTransport):
    """The real loopback transport, except that requests matching a rule get a hostile error.

    The error arrives the way Sakari sends one, `{"success": false, "error": {code, message}}`,
    so it goes through the client's own error parsing before the UI sees it.
    """

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.rules: list[tuple[str, str, int, str]] = []

    def fail(self, method: str, path_fragment: str, message: str, status: int = 400) -> None:
        self.rules.append((method, path_fragment, status, message))

    def clear(self) -> None:
        self.rules.clear()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for method, fragment, status, message in self.rules:
            if request.method == method and fragment in request.url.path:
                body = {"success": False, "error": {"code": "SIM-666", "message": message}}
                return httpx.Response(status, json=body, request=request)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture(scope="module")
def hostile_server() -> Iterator[SimulatorServer]:
    """An account holding only the hostile corpus: contacts, inbound texts, media and templates.

    Shared by a module's tests (seeding takes a while): they read it, and the writes they
    provoke are refused on the way by `HostileAPI` or stay in each test's own store.
    """
    clock = ManualClock(start=time.time())
    with SimulatorServer(seed=1, clock=clock, customers=False, demo_data=False) as running:
        asyncio.run(seed(running))
        yield running


@pytest.fixture
def hostile_api() -> HostileAPI:
    return HostileAPI()


@pytest.fixture
def build_hostile_app(hostile_server, hostile_api):
    """An async factory: the real app over a store synced from the hostile account."""
    stores: list[Store] = []

    async def build(*, poll: bool = False) -> SakariApp:
        settings = settings_for(hostile_server, close_undo_seconds=0.0)
        store = Store(":memory:")
        stores.append(store)
        engine = InboxEngine(settings.sakari.make_client(transport=hostile_api), store)
        await engine.sync_conversations()
        return make_app(settings, engine, poll=poll)

    yield build
    for store in stores:
        store.close()


# --- probes of what is on screen ------------------------------------------------------------


def screen_strips(app: SakariApp):
    """The current screen as Textual composes it for the terminal (modal dialogs included)."""
    return app.screen._compositor.render_strips()


def screen_lines(app: SakariApp) -> list[str]:
    return ["".join(segment.text for segment in strip) for strip in screen_strips(app)]


def screen_text(app: SakariApp) -> str:
    return "\n".join(screen_lines(app))


def terminal_output(app: SakariApp) -> bytes:
    """The bytes the app would write to the terminal for a full redraw of the current screen."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", legacy_windows=False, safe_box=False)
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return update.render_segments(console).encode("utf-8")


def assert_screen_safe(app: SakariApp) -> None:
    """Nothing forbidden is drawn, no payload escape reaches the terminal, no payload became an action or link."""
    for number, line in enumerate(screen_lines(app)):
        found = SCREEN_FORBIDDEN.findall(line)
        assert not found, f"screen line {number} draws {[hex(ord(c)) for c in found]}: {line!r}"
    output = terminal_output(app)
    for what, pattern in TERMINAL_FORBIDDEN.items():
        match = pattern.search(output)
        assert match is None, f"{what} reaches the terminal: {output[max(0, match.start() - 40):match.end() + 40]!r}"
    for strip in screen_strips(app):
        for segment in strip:
            style = segment.style
            if style is None:
                continue
            if style.link:
                assert style.link.startswith(MEDIA_HOST) and EVIL_URL not in style.link, style.link
                assert not SCREEN_FORBIDDEN.search(style.link) and " " not in style.link, repr(style.link)
            click = (style.meta or {}).get("@click")
            assert not click or "quit" not in str(click) and "bell" not in str(click) \
                and "dismiss" not in str(click), f"payload action on screen: {click!r} on {segment.text!r}"


def squash(text: str) -> str:
    """Text without any whitespace: wrapping and padding move spaces, never other characters."""
    return "".join(text.split())
