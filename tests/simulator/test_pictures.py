"""Customers' pictures: the generated PNGs, pictures in new conversations, and /_sim/inbound's `picture`."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from PIL import Image

from sakari_tui.simulator.pictures import PICTURES, picture_png

ANN = "+14155550142"


def _image(kind: str) -> Image.Image:
    return Image.open(io.BytesIO(picture_png(kind))).convert("RGB")


def _share(image: Image.Image, predicate) -> float:
    raw = image.tobytes()
    pixels = [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]
    return sum(map(predicate, pixels)) / len(pixels)


def _brownish(rgb: tuple[int, int, int]) -> bool:
    r, g, b = rgb
    return r > g > b and r - b > 40 and r < 230


def _white(rgb: tuple[int, int, int]) -> bool:
    return min(rgb) > 235


def _red(rgb: tuple[int, int, int]) -> bool:
    r, g, b = rgb
    return r > 150 and g < 80 and b < 80


@pytest.mark.parametrize("kind", ["parcel", "receipt", "error"])
def test_pictures_are_small_deterministic_pngs(kind):
    data = picture_png(kind)
    assert data.startswith(b"\x89PNG") and len(data) <= 30 * 1024
    assert picture_png(kind) == data
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.size == (160, 120) and image.format == "PNG"


def test_each_picture_shows_what_it_is_about():
    parcel, receipt, error = _image("parcel"), _image("receipt"), _image("error")
    # A brown box fills much of the parcel photo; the receipt is mostly white paper; the dialog has a red title bar.
    assert _share(parcel, _brownish) > 0.3
    assert _share(receipt, _white) > 0.25 and _share(receipt, _brownish) > 0.2
    title_bar = error.crop((20, 20, 140, 30))
    assert _share(title_bar, _red) > 0.6
    assert _share(error, _red) < 0.25
    # The receipt has grey item lines and a darker total near the bottom of the paper.
    column = [receipt.getpixel((70, y)) for y in range(10, 110)]
    assert any(100 < max(rgb) < 200 for rgb in column) and any(max(rgb) < 60 for rgb in column[60:])


async def test_inbound_picture_is_an_mms_with_a_served_png(sim):
    response = await sim.client.post("/_sim/inbound", json={"from": ANN, "picture": "parcel"})
    assert response.status_code == 201, response.text
    message = response.json()["data"]
    assert message["type"] == "MMS" and message["message"] == PICTURES["parcel"].captions[0]
    [item] = message["media"]
    assert item["type"] == "image/png" and item["filename"] == item["name"] == "parcel-photo.png"
    assert item["url"].startswith("http://sim.test/_sim/files/") and item["url"].endswith("/parcel-photo.png")
    served = await sim.client.get(item["url"])
    assert served.status_code == 200 and served.content == picture_png("parcel")
    assert served.headers["content-type"] == "image/png"
    assert served.headers["content-length"] == str(len(served.content))


async def test_inbound_picture_with_own_text_or_none_and_with_other_media(sim):
    alone = await sim.client.post("/_sim/inbound", json={"from": ANN, "picture": "receipt", "text": ""})
    assert alone.json()["data"]["message"] == "" and alone.json()["data"]["type"] == "MMS"
    both = await sim.client.post(
        "/_sim/inbound",
        json={"from": ANN, "text": "two things", "picture": "error", "media": [{"url": "https://example.com/a.jpg"}]},
    )
    data = both.json()["data"]
    assert data["message"] == "two things"
    assert [item["url"].rsplit("/", 1)[-1] for item in data["media"]] == ["a.jpg", "error-screenshot.png"]


async def test_inbound_picture_must_be_a_known_kind(sim):
    response = await sim.client.post("/_sim/inbound", json={"from": ANN, "picture": "cat"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "REQ-001")
    assert "parcel" in response.json()["error"]["message"]
    assert not sim.state.messages


def _pictures(sim) -> list:
    return [m for m in sim.state.messages.values() if not m.outgoing and m.kind == "MMS"]


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_first_new_conversation_opens_with_a_picture_within_a_minute(make_sim, seed):
    sim = await make_sim(customers=True, demo_data=True, seed=seed)
    before = {m.id for m in _pictures(sim)}
    await sim.advance(60)
    [first] = [m for m in _pictures(sim) if m.id not in before]
    [item] = first.media
    assert item["type"] == "image/png" and item["filename"] in {p.filename for p in PICTURES.values()}
    assert item["url"] == f"/_sim/files/{item['url'].split('/')[3]}/{item['filename']}"
    served = await sim.client.get(item["url"])
    assert served.status_code == 200 and served.content.startswith(b"\x89PNG")


async def test_later_pictures_come_now_and_then(make_sim):
    sim = await make_sim(customers=True, demo_data=True, picture_probability=0.25)
    before = {m.id for m in _pictures(sim)}
    for _ in range(40):
        await sim.advance(60)
    new = [m for m in _pictures(sim) if m.id not in before]
    openers = [m for m in sim.state.messages.values() if not m.outgoing and m.created_at > sim.clock.now() - 2400]
    assert 2 <= len(new) < len(openers) / 2
    assert len(Counter(m.media[0]["filename"] for m in new)) >= 2
    assert any(m.text for m in new)


async def test_no_pictures_when_their_probability_is_zero(make_sim):
    sim = await make_sim(customers=True, demo_data=True, picture_probability=0.0)
    before = {m.id for m in _pictures(sim)}
    for _ in range(10):
        await sim.advance(60)
    assert {m.id for m in _pictures(sim)} == before
