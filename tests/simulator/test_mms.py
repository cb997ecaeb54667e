"""MMS sends: media on the simulator's own shared-file links get the file's real type and name."""

from __future__ import annotations

import pytest

from sakari_tui.simulator.files import tiny_png
from sakari_tui.simulator.serialize import View

ANN = "+14155550142"
PNG = tiny_png(4, 4, (0, 0, 255))


async def _share(sim, data: bytes = PNG, filename: str = "blue square.png", content_type: str = "image/png") -> str:
    response = await sim.client.post(
        "/v1/tools/sharefile",
        content=data,
        params={"filename": filename},
        headers={**sim.headers, "Content-Type": content_type},
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]["link"]


async def _send_media(sim, urls: list[str], template: str = "Here you go") -> dict:
    response = await sim.send(
        contacts=[{"mobile": {"number": ANN}}], template=template, type="MMS", media=[{"url": url} for url in urls]
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]["messages"][0]


async def test_a_shared_file_link_resolves_to_the_files_type_and_name(sim):
    link = await _share(sim)
    message = await _send_media(sim, [link])
    assert message["type"] == "MMS"
    assert message["media"] == [
        {"url": link, "type": "image/png", "filename": "blue-square.png", "name": "blue-square.png"}
    ]
    fetched = (await sim.call("GET", f"/messages/{message['id']}")).json()["data"]
    assert fetched["media"] == message["media"] and fetched["type"] == "MMS"


async def test_a_relative_shared_file_link_resolves_too(sim):
    link = await _share(sim, b"%PDF-1.4 tiny", "terms.pdf", "application/pdf")
    relative = link.removeprefix("http://sim.test")
    [item] = (await _send_media(sim, [relative]))["media"]
    assert (item["type"], item["filename"]) == ("application/pdf", "terms.pdf")
    assert item["url"] == link  # shown absolute, like every simulator path


async def test_other_urls_keep_the_name_from_the_url(sim):
    link = await _share(sim)
    expired_id = link.split("/")[-2]
    message = await _send_media(
        sim,
        [
            "https://example.com/pics/map.png",
            "http://sim.test/_sim/files/unknown/x.png",
            link.replace(expired_id, "f00"),
        ],
    )
    assert [(item["type"], item["filename"]) for item in message["media"]] == [
        ("", "map.png"),
        ("", "x.png"),
        ("", "blue-square.png"),
    ]


async def test_an_expired_link_is_not_resolved(sim, clock):
    link = await _share(sim)
    clock.advance(7 * 86400)
    await sim.authenticate()  # the first token expired long ago
    [item] = (await _send_media(sim, [link]))["media"]
    assert item["type"] == "" and "name" not in item


async def test_an_image_alone_is_accepted(sim):
    link = await _share(sim)
    message = await _send_media(sim, [link], template="")
    assert message["message"] == "" and message["type"] == "MMS" and message["segments"] == 1
    assert message["media"][0]["filename"] == "blue-square.png"
    assert (await sim.send(contacts=[{"mobile": {"number": ANN}}], template="", type="MMS")).status_code == 400


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("/_sim/files/abc/a.png", "http://127.0.0.1:8000/_sim/files/abc/a.png"),
        ("file:///etc/passwd", "file:///etc/passwd"),
        ("javascript:alert(document.cookie)", "javascript:alert(document.cookie)"),
        ("//evil.example/x.png", "//evil.example/x.png"),
        ("https://example.com/a.png", "https://example.com/a.png"),
        ("relative/x.png", "relative/x.png"),
        ("http://[::1", "http://[::1"),
    ],
)
def test_only_simulator_paths_are_made_absolute(url, shown):
    assert View(base_url="http://127.0.0.1:8000/").absolute(url) == shown
