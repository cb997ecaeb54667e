"""The picture preview (ui/screens/image_preview.py): fetching, the picture, its keys, its failures."""

from __future__ import annotations

import asyncio

import pytest
from PIL import Image, ImageDraw
from textual.widgets import ProgressBar, Static
from textual_image.widget import HalfcellImage

from sakari_tui.ui.screens.image_preview import GENERIC_FAILURE, ImagePreviewScreen, PreviewFailed

from ..support.hostile import HOSTILE, MARKUP_LITERALS
from ..support.hosts import Host
from ..support.screen import assert_screen_safe, screen_text
from ..support.waiting import wait_until

TITLE = "📷 damaged-box.png"
SUBTITLE = "image/png · 2.1 KB · from 127.0.0.1"


def picture(width: int = 160, height: int = 120) -> Image.Image:
    """A photo-like test card: sky, ground, a sun, a box, a stripe of colours."""
    image = Image.new("RGB", (width, height), (120, 170, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(70, 140, 60))
    draw.ellipse((width - 45, 8, width - 10, 43), fill=(250, 210, 40))
    draw.rectangle((30, 45, 90, 95), fill=(170, 110, 60), outline=(80, 50, 20), width=3)
    draw.line((30, 45, 90, 95), fill=(80, 50, 20), width=3)
    for n, colour in enumerate([(220, 40, 40), (240, 150, 30), (40, 160, 220), (150, 60, 200)]):
        draw.rectangle((100 + n * 12, 60, 110 + n * 12, 95), fill=colour)
    return image


class FakeLoad:
    """A `load` that reports `steps` of progress, then waits for `release` (if any), then answers."""

    def __init__(self, *, steps=(), error: BaseException | None = None, hold: bool = False) -> None:
        self.steps = list(steps)
        self.error = error
        self.release = asyncio.Event()
        if not hold:
            self.release.set()
        self.calls = 0

    async def __call__(self, progress) -> Image.Image:
        self.calls += 1
        for received, total in self.steps:
            progress(received, total)
        await self.release.wait()
        if self.error is not None:
            raise self.error
        return picture()


def preview(load, title: str = TITLE, subtitle: str = SUBTITLE) -> ImagePreviewScreen:
    return ImagePreviewScreen(title, subtitle, load, widget_class=HalfcellImage, host="127.0.0.1")


def body_text(screen: ImagePreviewScreen) -> str:
    return " ".join(static.render().plain for static in screen.query("#preview-body Static").results(Static))


async def loaded(app: Host, pilot) -> HalfcellImage:
    return await wait_until(lambda: next(iter(app.dialog.query(HalfcellImage)), None), pilot)


async def test_while_fetching_a_known_size_the_bar_shows_how_far():
    load = FakeLoad(steps=[(1000, 2100)], hold=True)
    app = Host(screen=preview(load))
    async with app.run_test(size=(120, 40)) as pilot:
        bar = await wait_until(lambda: next(iter(app.dialog.query(ProgressBar)), None), pilot)
        await wait_until(lambda: bar.progress == 1000, pilot)
        assert bar.total == 2100
        assert "Fetching from 127.0.0.1…" in screen_text(app)
        assert not app.dialog.query(HalfcellImage)
        load.release.set()
        await loaded(app, pilot)
        assert not app.dialog.query(ProgressBar)


async def test_an_unknown_size_gives_a_moving_bar():
    load = FakeLoad(steps=[(500, None)], hold=True)
    app = Host(screen=preview(load))
    async with app.run_test(size=(120, 40)) as pilot:
        bar = await wait_until(lambda: next(iter(app.dialog.query(ProgressBar)), None), pilot)
        await wait_until(lambda: load.calls, pilot)
        await pilot.pause()
        assert bar.total is None


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_picture_shows_with_its_title_and_keys(size):
    app = Host(screen=preview(FakeLoad()))
    async with app.run_test(size=size) as pilot:
        image = await loaded(app, pilot)
        await pilot.pause()
        text = screen_text(app)
        assert TITLE in text and SUBTITLE in text
        assert "Esc closes · w saves · o opens in the browser" in text
        box = app.dialog.query_one("#preview-box").region
        assert app.screen.region.contains_region(box)
        assert box.contains_region(image.region) and image.region.area > 0
        # Its aspect ratio kept (160×120 px; cells are twice as tall as wide): about 8 columns per 3 rows.
        assert image.region.width / image.region.height == pytest.approx(8 / 3, rel=0.15)


async def test_at_80x24_it_takes_nearly_the_whole_screen_and_at_120x40_a_centred_box():
    for size, most in (((80, 24), (76, 22)), ((120, 40), (90, 34))):
        app = Host(screen=preview(FakeLoad()))
        async with app.run_test(size=size) as pilot:
            await loaded(app, pilot)
            await pilot.pause()
            box = app.dialog.query_one("#preview-box").region
            assert (box.width, box.height) == most, size
            assert box.x * 2 + box.width in (size[0], size[0] + 1), "centred"


@pytest.mark.parametrize(("key", "result"), [("escape", None), ("w", "save"), ("o", "open")])
async def test_the_keys_answer(key, result):
    app = Host(screen=preview(FakeLoad()))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press(key)
        await wait_until(lambda: app.results, pilot)
        assert app.results == [result]
        assert not isinstance(app.screen, ImagePreviewScreen)


async def test_escape_closes_while_fetching():
    load = FakeLoad(hold=True)
    app = Host(screen=preview(load))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: load.calls, pilot)
        await pilot.press("escape")
        await wait_until(lambda: app.results, pilot)
        assert app.results == [None]


def test_the_bindings_have_ids():
    ids = {binding.id for binding in ImagePreviewScreen.BINDINGS}
    assert ids == {"preview.close", "preview.save", "preview.open"}


async def test_a_preview_failure_says_its_sentence():
    sentence = "This file is not an image (it is a PDF); w saves it, o opens it in the browser."
    app = Host(screen=preview(FakeLoad(error=PreviewFailed(sentence))))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(lambda: sentence in body_text(app.dialog), pilot)
        assert not app.dialog.query(ProgressBar) and not app.dialog.query(HalfcellImage)
        assert fully_on_screen(app, "#preview-error")
        assert "Traceback" not in screen_text(app) and not app._notifications


async def test_any_other_failure_is_one_generic_sentence_and_logged(caplog):
    app = Host(screen=preview(FakeLoad(error=RuntimeError("secret detail from deep inside"))))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(lambda: GENERIC_FAILURE in body_text(app.dialog), pilot)
        assert "secret detail" not in screen_text(app) and not app._notifications
    assert GENERIC_FAILURE == "The picture could not be shown."
    assert any(record.exc_info and "secret detail" in str(record.exc_info[1]) for record in caplog.records)


@pytest.mark.parametrize("name", ["markup_click_quit", "markup_close_all", "osc52_bel", "csi_clear", "bidi_rlo"])
async def test_hostile_titles_are_plain_text(name):
    hostile = HOSTILE[name]
    app = Host(screen=preview(FakeLoad(), title=f"📷 {hostile}", subtitle=f"image/png · {hostile}"))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.pause()
        assert_screen_safe(app)
        text = screen_text(app)
        for literal in MARKUP_LITERALS:
            if literal in hostile:
                assert literal in text


async def test_a_long_title_is_cut_not_wrapped():
    title = "📷 " + "very-long-file-name-" * 20 + ".png"
    app = Host(screen=preview(FakeLoad(), title=title))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.pause()
        shown = app.dialog.query_one("#preview-title")
        assert shown.region.height == 1 and app.screen.region.contains_region(
            app.dialog.query_one("#preview-box").region
        )
        assert "…" in screen_text(app)


def fully_on_screen(app, selector: str) -> bool:
    widget = app.dialog.query_one(selector)
    return bool(widget.region.area) and app.screen.region.contains_region(widget.region)
