"""MMS across a crash, against the simulator on 127.0.0.1: the process "dies" at a chosen line
(an exception nothing catches, then the store is closed as the kernel would leave it), a new
process opens the store, resumes the outbox and delivers. Counted on the server: uploads and
messages carrying the link.

(A kill -9 of the real app, as in test_kill9.py, would need a way to attach a file from the
keyboard; the line-exact crashes here cover the moments that matter.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sakari_tui.api import SakariClient
from sakari_tui.store import SendState, Store, StoreLocked
from sakari_tui.store.outbox import Outbox
from sakari_tui.store.outbox_media import local_file
from sakari_tui.sync import InboxEngine

UPLOAD = "POST /v1/tools/sharefile"
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(100_000)


class Killed(BaseException):
    """The process dies here: nothing after this line runs, nothing catches it."""


class Process:
    """One run of the app: its own client, store (owned, as the app holds it) and engine."""

    def __init__(self, server, path: Path, clock=None) -> None:
        self.client = SakariClient(
            account_id=server.account_id,
            client_id=server.client_id,
            client_secret=server.client_secret,
            api_url=server.base_url,
            token_url=server.token_url,
        )
        self.store = Store(path, exclusive=True)
        self.engine = InboxEngine(self.client, self.store, **({"clock": clock} if clock else {}))
        self.engine.delivery.reconcile_at = (0.0, 10.0, 30.0)

    async def end(self) -> None:
        await self.client.aclose()
        self.store.close()


@pytest.fixture
def path(tmp_path) -> Path:
    return tmp_path / "data" / "inbox.sqlite3"


@pytest.fixture
def photo(tmp_path) -> Path:
    file = tmp_path / "photo.png"
    file.write_bytes(PNG)
    return file


async def first_run(server, path, photo, text):
    run = Process(server, path)
    await run.engine.sync_conversations()
    row = next(r for r in run.store.inbox.rows() if not r.opted_out and not r.closed)
    return run, run.engine.queue_reply(row.id, text, local_file(photo))


async def restart(server, path, clock=None) -> Process:
    run = Process(server, path, clock)
    run.engine.resume_outbox()
    return run


def uploads(server) -> int:
    return server.state.requests.snapshot().get(UPLOAD, 0)


def mms_with(server, text: str) -> list:
    return [m for m in server.state.messages.values() if m.outgoing and m.text == text and m.kind == "MMS"]


async def test_killed_after_the_link_is_kept_the_next_run_sends_once_without_uploading(
    server, path, photo, monkeypatch
):
    run, entry = await first_run(server, path, photo, "killed after the upload")
    real = Outbox.set_media_link

    def then_die(self, *args, **kwargs):
        real(self, *args, **kwargs)
        raise Killed

    monkeypatch.setattr(Outbox, "set_media_link", then_die)
    with pytest.raises(Killed):
        await run.engine.deliver(entry.local_id)
    await run.end()
    monkeypatch.undo()
    assert uploads(server) == 1 and mms_with(server, "killed after the upload") == []

    run = await restart(server, path)
    left = run.store.outbox.get(entry.local_id)
    assert left.state is SendState.QUEUED and left.media_url  # never "sending": nothing went yet
    await run.engine.retry_due()
    (mms,) = mms_with(server, "killed after the upload")
    assert [m["url"] for m in mms.media] == [left.media_url] and uploads(server) == 1
    assert run.store.outbox.all() == [] and not Path(left.media_path).exists()
    await run.end()


async def test_killed_during_the_upload_the_next_run_uploads_again_and_sends_once(server, path, photo, monkeypatch):
    run, entry = await first_run(server, path, photo, "killed mid-upload")

    async def dies_mid_upload(data, *, progress=None, **kwargs):
        progress(len(data) // 2, len(data))
        raise Killed

    monkeypatch.setattr(run.client, "share_file", dies_mid_upload)
    with pytest.raises(Killed):
        await run.engine.deliver(entry.local_id)
    await run.end()

    run = await restart(server, path)
    assert run.store.outbox.get(entry.local_id).state is SendState.QUEUED
    await run.engine.retry_due()
    assert len(mms_with(server, "killed mid-upload")) == 1 and uploads(server) == 1
    await run.end()


async def test_killed_after_the_send_left_the_next_run_finds_it_by_its_link(server, path, photo, monkeypatch):
    run, entry = await first_run(server, path, photo, "killed before the answer")
    real = run.client.send_message

    async def sent_then_die(**kwargs):
        await real(**kwargs)  # Sakari has it; the answer never arrives
        raise Killed

    monkeypatch.setattr(run.client, "send_message", sent_then_die)
    with pytest.raises(Killed):
        await run.engine.deliver(entry.local_id)
    await run.end()

    run = await restart(server, path)
    left = run.store.outbox.get(entry.local_id)
    assert left.state is SendState.UNKNOWN and left.media_url
    await run.engine.retry_due()  # looks, finds, adopts: never sent again
    assert run.store.outbox.all() == []
    assert len(mms_with(server, "killed before the answer")) == 1 and uploads(server) == 1
    await run.end()


async def test_killed_before_the_send_left_the_next_run_never_resends_by_itself(server, path, photo, monkeypatch):
    run, entry = await first_run(server, path, photo, "killed before the send")

    async def die(**kwargs):
        raise Killed

    monkeypatch.setattr(run.client, "send_message", die)
    with pytest.raises(Killed):
        await run.engine.deliver(entry.local_id)
    await run.end()

    now = [1_000_000.0]
    run = await restart(server, path, clock=lambda: now[0])
    for _ in range(5):
        now[0] += 60.0
        await run.engine.retry_due()
    left = run.store.outbox.get(entry.local_id)
    assert run.engine.gave_up(left) and mms_with(server, "killed before the send") == []
    assert uploads(server) == 1  # looked for only: no second upload, no send
    assert await run.engine.deliver(entry.local_id, resend=True) is not None  # the user's choice
    assert len(mms_with(server, "killed before the send")) == 1 and uploads(server) == 1
    await run.end()


async def test_a_second_instance_cannot_upload_or_send_the_same_row(server, path, photo):
    run, entry = await first_run(server, path, photo, "one owner")
    with pytest.raises(StoreLocked):
        Store(path, exclusive=True)  # a second app: refused before it can read the outbox
    await run.engine.deliver(entry.local_id)
    await run.end()
    again = await restart(server, path)  # the next owner has nothing left to do
    assert await again.engine.retry_due() == 0
    assert len(mms_with(server, "one owner")) == 1 and uploads(server) == 1
    await again.end()


async def test_a_copy_left_without_its_row_is_removed_on_resume(server, path, photo):
    run, entry = await first_run(server, path, photo, "kept")
    folder = Path(entry.media_path).parent
    (folder / "out-18f0-1a-1.png").write_bytes(b"copied just before a kill -9, its row never written")
    await run.end()
    run = await restart(server, path)
    assert sorted(p.name for p in folder.iterdir()) == [Path(entry.media_path).name]
    await run.end()
