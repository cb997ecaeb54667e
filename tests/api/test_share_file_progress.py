"""`share_file(progress=…)` against the simulator on 127.0.0.1: the bytes arrive whole, and the
reports climb to the total."""

from __future__ import annotations

import os

import httpx
import pytest

from sakari_tui.api import InvalidRequest
from sakari_tui.api.client import UPLOAD_CHUNK


async def served(link: str) -> httpx.Response:
    async with httpx.AsyncClient(trust_env=False) as anyone:
        return await anyone.get(link)


@pytest.mark.parametrize("multipart", [True, False])
async def test_an_upload_reports_its_progress_up_to_the_whole_file(client, multipart):
    data = os.urandom(5 * UPLOAD_CHUNK + 123)
    reports: list[tuple[int, int]] = []
    shared = await client.share_file(
        data, filename="scan.png", content_type="image/png", multipart=multipart, progress=lambda *r: reports.append(r)
    )
    response = await served(shared.link)
    assert response.status_code == 200 and response.content == data
    if multipart:
        assert shared.link.endswith("/scan.png") and response.headers["content-type"] == "image/png"
    sent = [s for s, _ in reports]
    assert {t for _, t in reports} == {len(data)}
    assert sent == sorted(sent) and sent[-1] == len(data) and len(sent) >= 5


async def test_a_refused_upload_still_raises_the_api_sentence(make_server, make_client):
    client = make_client(make_server(max_upload_bytes=1000))
    reports = []
    with pytest.raises(InvalidRequest) as refused:
        await client.share_file(b"x" * 2000, filename="big.png", multipart=True, progress=lambda *r: reports.append(r))
    assert refused.value.status == 413 and "larger than 1000 bytes" in refused.value.message
    assert reports and reports[-1] == (2000, 2000)
