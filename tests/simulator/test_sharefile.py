"""POST /v1/tools/sharefile: raw and multipart uploads, the served link, limits."""

from __future__ import annotations

from sakari_tui.simulator.files import tiny_png
from sakari_tui.simulator.multipart import parse_multipart

from .spec import validate_response

PNG = tiny_png(4, 4, (255, 0, 0))


async def test_octet_stream_upload_is_served_back_on_the_link(sim, clock):
    response = await sim.client.post(
        "/v1/tools/sharefile",
        content=PNG,
        params={"filename": "red dot.png"},
        headers={**sim.headers, "Content-Type": "application/octet-stream"},
    )
    validate_response("tools.shareFile", response)
    data = response.json()["data"]
    assert data["link"].startswith("http://sim.test/_sim/files/") and data["link"].endswith("/red-dot.png")
    assert data["expires"] == "2026-01-08T00:00:00.000Z"
    served = await sim.client.get(data["link"])
    assert served.status_code == 200 and served.content == PNG
    assert served.headers["content-type"] == "image/png"
    clock.advance(7 * 86400)
    expired = await sim.client.get(data["link"])
    assert (expired.status_code, expired.json()["error"]["code"]) == (404, "FILE-003")


async def test_multipart_media_field(sim):
    response = await sim.client.post(
        "/v1/tools/sharefile",
        headers=sim.headers,
        files={"media": ("photo.jpg", b"\xff\xd8binary\r\n--not-a-boundary\xff\xd9", "image/jpeg")},
        data={"note": "ignored"},
    )
    validate_response("tools.shareFile", response)
    served = await sim.client.get(response.json()["data"]["link"])
    assert served.content == b"\xff\xd8binary\r\n--not-a-boundary\xff\xd9"
    assert served.headers["content-type"] == "image/jpeg"


async def test_upload_problems(make_sim):
    sim = await make_sim(max_upload_bytes=100)
    empty = await sim.client.post("/v1/tools/sharefile", content=b"", headers=sim.headers)
    assert (empty.status_code, empty.json()["error"]["code"]) == (400, "FILE-001")
    no_media = await sim.client.post("/v1/tools/sharefile", headers=sim.headers, files={"other": ("a.txt", b"x")})
    assert (no_media.status_code, no_media.json()["error"]["code"]) == (400, "FILE-001")
    too_big = await sim.client.post("/v1/tools/sharefile", content=b"x" * 101, headers=sim.headers)
    assert (too_big.status_code, too_big.json()["error"]["code"]) == (413, "FILE-002")
    unauthenticated = await sim.client.post("/v1/tools/sharefile", content=b"x")
    assert unauthenticated.status_code == 401
    assert (await sim.client.get("/_sim/files/nope/x.png")).json()["error"]["code"] == "FILE-003"


def test_multipart_parser_reads_names_filenames_and_exact_bytes():
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nfirst\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="media"; filename="r\xc3\xa9sum\xc3\xa9.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF\r\n\r\nend\r\n--XyZ--\r\n"
    )
    parts = parse_multipart(body, "XyZ")
    assert [(p.name, p.filename, p.content_type, p.data) for p in parts] == [
        ("a", None, None, b"first"),
        ("media", "résumé.pdf", "application/pdf", b"%PDF\r\n\r\nend"),
    ]


async def test_the_link_answers_with_length_and_type_until_it_expires(sim, clock):
    pdf = b"%PDF-1.4\n" + b"0" * 5000
    response = await sim.client.post(
        "/v1/tools/sharefile", content=pdf, params={"filename": "terms.pdf"}, headers=sim.headers
    )
    data = response.json()["data"]
    assert data["expires"] == "2026-01-08T00:00:00.000Z"
    served = await sim.client.get(data["link"])
    assert served.headers["content-type"] == "application/pdf"
    assert served.headers["content-length"] == str(len(pdf)) and served.content == pdf
    clock.advance(7 * 86400 - 1)
    assert (await sim.client.get(data["link"])).status_code == 200
    clock.advance(1)
    assert (await sim.client.get(data["link"])).status_code == 404
