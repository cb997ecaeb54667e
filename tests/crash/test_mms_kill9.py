"""Crash soak: `kill -9` a real process delivering MMS replies, inside their uploads and sends.

The test process runs the simulator on 127.0.0.1 and queues N_REPLIES MMS replies, in waves
(each its own PNG, made with Pillow; two of them with the same words in the same conversation, so only the
picture's link tells them apart). Then, round after round, it starts a child process
(tests/support/mms_crash.py: it opens the store, resumes the outbox and runs `sakari-tui outbox
run`'s round until nothing is in flight, queueing nothing itself) and SIGKILLs it after a random
delay (most kills then wait for the moment an upload or a send is in the simulator). Each round switches on one fault class, on the upload (`POST /v1/tools/sharefile`), the
send (`POST .../messages`) or both:

* slow upload          - every upload held LATENCY_S before it is handled;
* slow send            - every send held LATENCY_S before it is handled;
* dropped answer       - the server saves the message, then cuts the connection mid-answer;
* commit after timeout - the server holds the send COMMIT_DELAY_S, past the client's timeout,
                         then saves it;
* 5xx on upload        - uploads answered 500/503 before anything is stored;
* 429                  - the account's rate limit is tight: uploads, sends, looks and tokens
                         answered 429 with Retry-After.

Between rounds the test acts as the user for a reply the app gave up looking for: with no
request left in the simulator, it checks the server (as the user checks the conversation) and
has the next child send it again (`deliver(resend=True)`, the app's resend). Finally children run
with no faults and no kill until the outbox is empty. Then, on the server: exactly one MMS per
reply (told apart by its picture's bytes behind the link it carries, and by its words), no SMS
copy, no message without its picture; every upload of a sent reply is the one its message links
to, but for extra uploads made by a child killed before it committed the link (counted); the
outbox and its staging folder are empty. Duplicates are checked after every kill too.

SAKARI_CRASH_SEED reproduces a run (the seed is printed); the summary line says how many rounds,
kills, uploads, extra uploads and resends there were.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image

from sakari_tui.api import SakariClient
from sakari_tui.simulator.files import shared_file_at
from sakari_tui.simulator.server import SimulatorServer
from sakari_tui.store import Store
from sakari_tui.store.outbox_media import FOLDER_SUFFIX, local_file
from sakari_tui.sync import InboxEngine

from ..support.mms_crash import RECONCILE_AT_S, ROOT, SEND, UPLOAD, InFlight, child_argv

SEED = int(os.environ.get("SAKARI_CRASH_SEED", "20250115"))
N_REPLIES = 12
# Queued in waves (round -> how many just before it), so that late rounds have uploads to hit too.
WAVES = {0: 4, 4: 4, 8: 4}
ROUNDS = 12  # each fault class twice, in a seeded order (the suite must stay fast)
TAG = "mk9"
LATENCY_S = 0.6
COMMIT_DELAY_S = 2.5  # past the child's client timeout (1.5 s), well inside the reconcile window (6 s)
KILL_AFTER_S = (0.05, 1.2)  # after the child said it is ready (the outbox resumed)
# Most kills are aimed: after the random delay, at the first moment an upload or a send of this
# child is in the simulator (for up to AIM_FOR_S); the others land wherever the delay ends.
AIMED_SHARE = 0.7
AIM_FOR_S = 1.5
READY_TIMEOUT_S = 20.0
SETTLE_TIMEOUT_S = 40.0
FINAL = "none (final run)"

FAULT_CLASSES: dict[str, dict] = {
    "slow upload": {"faults": {"latency": LATENCY_S, "operations": [UPLOAD]}},
    "slow send": {"faults": {"latency": LATENCY_S, "operations": [SEND]}},
    "dropped answer": {"faults": {"latency": 0.2, "drop_after_commit_rate": 0.7, "operations": [SEND]}},
    "commit after timeout": {
        "faults": {"commit_delay": COMMIT_DELAY_S, "commit_delay_rate": 0.7, "operations": [SEND]}
    },
    "5xx on upload": {"faults": {"latency": 0.2, "error_rate": 0.6, "operations": [UPLOAD]}},
    "429": {"faults": {"latency": 0.1, "operations": [UPLOAD, SEND]}, "rate": 1.0, "burst": 1},
}


@dataclass
class Reply:
    local_id: str
    conversation_id: str
    text: str
    picture: bytes


@dataclass
class Round:
    fault: str
    started: float  # wall clock (the simulator's clock too)
    killed: bool = False
    landed: str = ""
    after: float = 0.0  # seconds from ready to the kill
    left: int = 0  # rows in the outbox when it started
    links_before: dict[str, str | None] = field(default_factory=dict)


@dataclass
class Soak:
    server: SimulatorServer
    inflight: InFlight
    store_path: Path
    work: Path
    replies: dict[str, Reply]
    rng: random.Random
    rounds: list[Round] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # local_id -> the link once committed
    resends: int = 0
    discarded: int = 0  # given up, then found saved late: dropped by the user
    children: int = 0

    @property
    def log(self) -> Path:
        return self.work / "children.log"

    def where(self) -> str:
        return f"after round {len(self.rounds)} (seed {SEED})"


# --- the store and the server, as the test reads them --------------------------------------------


def outbox_rows(path: Path) -> dict[str, sqlite3.Row]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    db.row_factory = sqlite3.Row
    try:
        return {row["local_id"]: row for row in db.execute("SELECT * FROM outbox")}
    finally:
        db.close()


def file_id(url: str) -> str:
    return url.rstrip("/").split("/")[-2]  # .../_sim/files/<id>/<name>


def server_view(soak: Soak) -> tuple[list, dict]:
    """Our outgoing messages and the shared files holding one of our pictures (id -> file)."""
    state = soak.server.state
    pictures = {reply.picture for reply in soak.replies.values()}
    with state.lock:
        messages = [m for m in state.messages.values() if m.outgoing and m.text.startswith(TAG)]
        files = {f.id: f for f in state.files.values() if f.data in pictures}
        linked = {m.id: [shared_file_at(state, item.get("url", "")) for item in m.media] for m in messages}
    return [(m, linked[m.id]) for m in messages], files


def sent_replies(soak: Soak) -> dict[str, list]:
    """local_id -> the server's messages carrying that reply; asserts every message is one of ours."""
    by_picture = {reply.picture: reply for reply in soak.replies.values()}
    found: dict[str, list] = {local_id: [] for local_id in soak.replies}
    messages, _ = server_view(soak)
    for message, shared in messages:
        what = f"{soak.where()}: message {message.id} {message.text!r} ({message.kind})"
        assert message.kind == "MMS" and message.media, f"{what} went without its picture (an SMS copy)"
        assert len(shared) == 1 and shared[0] is not None, f"{what} links no picture of ours: {message.media}"
        reply = by_picture.get(shared[0].data)
        assert reply is not None, f"{what} carries a picture no reply attached"
        assert message.text == reply.text and message.conversation_id == reply.conversation_id, (
            f"{what} carries the picture of {reply.local_id} ({reply.text!r} in {reply.conversation_id})"
        )
        found[reply.local_id].append(message)
    doubles = {local_id: [m.id for m in ms] for local_id, ms in found.items() if len(ms) > 1}
    assert not doubles, f"{soak.where()}: sent more than once: {doubles}"
    return found


def check_store(soak: Soak) -> dict[str, sqlite3.Row]:
    """After a child ended: no row failed, every row has its staged copy, a committed link never changes."""
    rows = outbox_rows(soak.store_path)
    sent = sent_replies(soak)
    for local_id, row in rows.items():
        what = f"{soak.where()}: {local_id} ({row['state']})"
        assert local_id in soak.replies, f"{what}: a row the test never queued"
        assert row["state"] != "failed", f"{what} failed: {row['error']}"
        assert row["media_path"] and Path(row["media_path"]).is_file(), f"{what}: its staged copy is gone"
        if row["media_url"]:
            first = soak.links.setdefault(local_id, row["media_url"])
            assert row["media_url"] == first, f"{what}: its committed link changed from {first} to {row['media_url']}"
    for local_id in soak.replies:
        if local_id not in rows:
            assert sent[local_id], f"{soak.where()}: {local_id} left the outbox but is not on the server (lost)"
    return rows


# --- the user ---------------------------------------------------------------------------------------


def user_decisions(soak: Soak) -> list[str]:
    """Rows the app gave up looking for that the server does not have: the user sends them again.

    Only with no request left in the simulator (a held commit would still land)."""
    rows = outbox_rows(soak.store_path)
    gave_up = [r for r in rows.values() if r["state"] == "unknown" and r["checks"] >= len(RECONCILE_AT_S)]
    if not gave_up:
        return []
    assert soak.inflight.wait_idle(10), f"{soak.where()}: the simulator is still handling {soak.inflight.running()}"
    sent = sent_replies(soak)
    resend = []
    for row in gave_up:
        found = sent[row["local_id"]]
        if found:
            # Saved before the last look was due, it should have been found by it.
            created, window_end = found[0].created_at, row["ambiguous_since"] + RECONCILE_AT_S[-1]
            assert created > window_end, (
                f"{soak.where()}: {row['local_id']} was given up after {RECONCILE_AT_S[-1]:.0f}s of looking, "
                f"yet Sakari saved it {window_end - created:.1f}s before the last look was due"
            )
            # Saved after the window (a starved machine): the user sees it in the thread and drops the row.
            store = Store(soak.store_path, exclusive=True)
            try:
                store.outbox.remove(row["local_id"])
            finally:
                store.close()
            soak.discarded += 1
            continue
        resend.append(row["local_id"])
    soak.resends += len(resend)
    return resend


# --- the child ----------------------------------------------------------------------------------------


def start_child(soak: Soak, resend: list[str]) -> tuple[subprocess.Popen, Path]:
    soak.children += 1
    ready = soak.work / f"ready-{soak.children}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAKARI_")}
    env.update(PYTHONPATH=str(ROOT), NO_PROXY="127.0.0.1,localhost,::1")
    with soak.log.open("a") as log:
        log.write(f"--- child {soak.children}, resend {resend}\n")
        log.flush()
        child = subprocess.Popen(
            child_argv(store=soak.store_path, server=soak.server, ready=ready, resend=resend),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return child, ready


def wait_ready(soak: Soak, child: subprocess.Popen, ready: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not ready.exists():
        assert child.poll() is None, f"{soak.where()}: the child exited ({child.returncode}): {tail(soak)}"
        assert time.monotonic() < deadline, f"{soak.where()}: the child never resumed the outbox"
        time.sleep(0.01)


def tail(soak: Soak) -> str:
    return soak.log.read_text(errors="replace")[-1500:] if soak.log.exists() else ""


def apply_faults(server: SimulatorServer, fault: str | None) -> None:
    server.state.faults.reset()
    server.state.set_rate_limit(None)
    if fault is None:
        return
    spec = FAULT_CLASSES[fault]
    server.state.set_faults(**spec["faults"])
    if "rate" in spec:
        server.state.set_rate_limit(spec["rate"], spec["burst"])


def kill_round(soak: Soak, fault: str) -> None:
    resend = user_decisions(soak)
    this = Round(fault, time.time())
    this.links_before = {local_id: row["media_url"] for local_id, row in outbox_rows(soak.store_path).items()}
    this.left = len(this.links_before)
    soak.rounds.append(this)
    apply_faults(soak.server, fault)
    child, ready = start_child(soak, resend)
    try:
        wait_ready(soak, child, ready)
        ready_at = time.monotonic()
        aim = soak.rng.random() < AIMED_SHARE
        try:
            child.wait(timeout=soak.rng.uniform(*KILL_AFTER_S))  # done early: nothing left to kill
            this.after = time.monotonic() - ready_at
        except subprocess.TimeoutExpired:
            running = soak.inflight.running(since=this.started)
            aim_until = time.monotonic() + AIM_FOR_S
            while aim and not (running["upload"] or running["send"]) and time.monotonic() < aim_until:
                time.sleep(0.005)
                running = soak.inflight.running(since=this.started)
            child.send_signal(signal.SIGKILL)
            this.after = time.monotonic() - ready_at
            this.killed = True
            this.landed = next((kind for kind in ("upload", "send", "read", "token") if running[kind]), "elsewhere")
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
    apply_faults(soak.server, None)
    assert this.killed or child.returncode == 0, f"{soak.where()}: the child failed ({child.returncode}): {tail(soak)}"
    rows = check_store(soak)
    if this.killed and any(row["state"] == "sending" for row in rows.values()):
        this.landed = "send"  # killed after "sending" was saved: inside the send, whatever the socket said


def settle(soak: Soak) -> None:
    """Children without faults or kills (and the user's resends) until the outbox is empty."""
    for _ in range(4):
        if not outbox_rows(soak.store_path):
            return
        resend = user_decisions(soak)
        soak.rounds.append(Round(FINAL, time.time(), left=len(outbox_rows(soak.store_path))))
        child, ready = start_child(soak, resend)
        try:
            code = child.wait(timeout=SETTLE_TIMEOUT_S)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        assert code == 0, f"{soak.where()}: the final run failed ({code}): {tail(soak)}"
        check_store(soak)
    left = {k: (r["state"], r["error"]) for k, r in outbox_rows(soak.store_path).items()}
    assert not left, f"{soak.where()}: still in the outbox after the final runs: {left}"


# --- setting up ---------------------------------------------------------------------------------------


def pictures(tmp: Path, rng: random.Random) -> list[Path]:
    """N_REPLIES small PNGs, all different (a colour and a scatter of pixels each)."""
    paths = []
    for index in range(N_REPLIES):
        image = Image.new("RGB", (40 + index, 30), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
        for _ in range(60):
            image.putpixel((rng.randrange(image.width), rng.randrange(image.height)), (index * 40, 0, 255))
        path = tmp / f"photo-{index}.png"
        image.save(path, format="PNG")
        paths.append(path)
    assert len({p.read_bytes() for p in paths}) == N_REPLIES
    return paths


async def queue_wave(
    server: SimulatorServer, store_path: Path, photos: list[Path], first: int, count: int
) -> dict[str, Reply]:
    """Queue replies `first` to `first + count - 1`, as the app does when the user sends them."""
    client = SakariClient(**server.credentials())
    store = Store(store_path, exclusive=True)
    try:
        engine = InboxEngine(client, store)
        if first == 0:
            await engine.sync_conversations()
        open_rows = [r for r in store.inbox.rows() if not r.opted_out and not r.closed]
        # The first two: the same words in the same conversation, told apart by their pictures only.
        conversations = [open_rows[0].id, *[r.id for r in open_rows[: N_REPLIES - 1]]]
        assert len(set(conversations)) == N_REPLIES - 1, "the demo has too few open conversations"
        replies = {}
        for index in range(first, first + count):
            text = f"{TAG} photos from the site" if index < 2 else f"{TAG} photo {index} as promised"
            entry = engine.queue_reply(conversations[index], text, local_file(photos[index]))
            replies[entry.local_id] = Reply(entry.local_id, conversations[index], text, photos[index].read_bytes())
        return replies
    finally:
        await client.aclose()
        store.close()


# --- the test -------------------------------------------------------------------------------------------


@pytest.mark.timeout(150)
def test_kill9_during_mms_uploads_and_sends_sends_each_reply_once_with_its_picture(tmp_path):
    rng = random.Random(SEED)
    order = list(FAULT_CLASSES) * (ROUNDS // len(FAULT_CLASSES))
    rng.shuffle(order)
    started = time.monotonic()
    server = SimulatorServer(seed=1, customers=False)
    inflight = InFlight(server.app)
    server.app = inflight  # counts the requests still being handled, those of killed children too
    with server:
        store_path = tmp_path / "data" / "inbox.sqlite3"
        photos = pictures(tmp_path, rng)
        soak = Soak(server, inflight, store_path, tmp_path, {}, rng)
        for round_no, fault in enumerate(order):
            if round_no in WAVES:
                wave = queue_wave(server, store_path, photos, len(soak.replies), WAVES[round_no])
                soak.replies.update(asyncio.run(wave))
            if outbox_rows(store_path):
                kill_round(soak, fault)
        replies = soak.replies
        assert len(replies) == N_REPLIES
        settle(soak)
        assert inflight.wait_idle(10)
        sent = sent_replies(soak)
        _, files = server_view(soak)
        answers = inflight.answers()
        fired = server.state.fault_counts()

    # Exactly one MMS per reply, with its words and its picture (sent_replies checked each message).
    assert all(len(messages) == 1 for messages in sent.values()), {k: len(v) for k, v in sent.items()}
    # Every upload of a reply is the one its message links to, or one a killed child made before
    # it committed the link (a link once committed is the one sent: check_store saw it never change).
    extra = 0
    for local_id, (message,) in sent.items():
        reply = replies[local_id]
        linked = file_id(message.media[0]["url"])
        assert soak.links.get(local_id) in (None, message.media[0]["url"]), (
            f"{local_id}: committed {soak.links.get(local_id)}, sent {message.media[0]['url']}"
        )
        for shared in (f for f in files.values() if f.data == reply.picture and f.id != linked):
            extra += 1
            during = next((r for r in reversed(soak.rounds) if r.started <= shared.created_at), None)
            assert during is not None and during.killed, (
                f"{local_id}: an extra upload {shared.id} by a child that was not killed ({during})"
            )
            assert during.links_before.get(local_id) is None, (
                f"{local_id}: uploaded again in a round that began with its link committed ({during})"
            )
    folder = store_path.with_name(store_path.name + FOLDER_SUFFIX)
    assert folder.is_dir() and list(folder.iterdir()) == [], f"staged copies left: {list(folder.iterdir())}"
    assert outbox_rows(store_path) == {}

    kills = [r for r in soak.rounds if r.killed]
    finals = sum(r.fault == FINAL for r in soak.rounds)
    landed = {kind: sum(r.landed == kind for r in kills) for kind in ("upload", "send", "read", "token", "elsewhere")}
    assert kills, "no child was ever killed: the soak exercised nothing"
    elapsed = time.monotonic() - started
    print(
        f"\nMMS kill -9 soak: seed {SEED}; faults per round: {', '.join(order)}"
        + "".join(
            f"\n  round {i}: {r.fault}, {r.left} rows left, "
            + (
                f"killed {r.after:.2f}s after ready, in: {r.landed}"
                if r.killed
                else "ran to the end"
                if r.fault == FINAL
                else f"ended by itself after {r.after:.2f}s"
            )
            for i, r in enumerate(soak.rounds)
        )
        + f"\nkills landed: {landed}; answers by kind and status: {answers}"
        f"\nfaults fired: {fired}"
        f"\nrounds={len(soak.rounds)} ({len(soak.rounds) - finals} with faults, {finals} final) kills={len(kills)} replies={len(replies)} uploads={len(files)} "
        f"extra_uploads={extra} resends={soak.resends} discarded={soak.discarded} duplicates=0 "
        f"time={elapsed:.1f}s"
    )
