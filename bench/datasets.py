"""The benchmark's data: generated Sakari accounts, served by a simulator process and cached in stores.

A store is filled from the very JSON the simulator serves (same seed, same anchor time), so an app
started on it finds its first poll unchanged, as it would after a previous session.
"""

from __future__ import annotations

import multiprocessing
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path

from sakari_tui.api.models import Conversation, Message
from sakari_tui.simulator import BulkData, SimulatorConfig, SimulatorServer, SimulatorState
from sakari_tui.simulator.serialize import View, conversation_json, message_json
from sakari_tui.store import Store

SEED = 7
PAGE = 100
# 10,000 conversations, 100,000+ messages: the newest thread has 10,000, the next 10, the rest 10 each.
SHAPE_10K = BulkData(conversations=10_000, messages_per_conversation=10, long_threads=(10_000, 10))
SHAPE_100 = BulkData(conversations=100, messages_per_conversation=10, long_threads=(10_000, 10))


def simulator_config(shape: BulkData, anchor: float) -> SimulatorConfig:
    return SimulatorConfig(seed=SEED, demo_data=False, bulk=replace(shape, anchor=anchor), customers=False)


def build_store(path: Path, shape: BulkData, anchor: float) -> dict[str, int]:
    """Cache the whole account (every conversation and message) in a new store at `path`."""
    state = SimulatorState(simulator_config(shape, anchor))
    view = View()
    ordered = sorted(state.conversations.values(), key=lambda c: (c.updated_at, c.id), reverse=True)
    path.unlink(missing_ok=True)
    store = Store(path)
    try:
        for start in range(0, len(ordered), PAGE):
            page = ordered[start : start + PAGE]
            store.inbox.merge_conversations(
                Conversation.model_validate(conversation_json(state, c, view)) for c in page
            )
        for conversation in ordered:
            messages = [
                Message.model_validate(message_json(state, state.messages[mid], view))
                for mid in conversation.message_ids
            ]
            store.inbox.merge_messages(conversation.id, messages)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return {"conversations": len(state.conversations), "messages": len(state.messages)}


def copy_store(source: Path, target: Path) -> Path:
    """A fresh copy for one run (the app writes read marks and drafts into its store)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


@dataclass(frozen=True)
class Endpoint:
    """Where a simulator listens and the credentials it accepts."""

    base_url: str
    token_url: str
    account_id: str
    client_id: str
    client_secret: str


def _serve(shape: BulkData, anchor: float, ready: multiprocessing.Queue, stop: multiprocessing.Event) -> None:
    with SimulatorServer(simulator_config(shape, anchor)) as server:
        ready.put(
            Endpoint(server.base_url, server.token_url, server.account_id, server.client_id, server.client_secret)
        )
        stop.wait()


class SimulatorProcess:
    """A simulator in a process of its own, so its work never runs on the measuring process's GIL."""

    def __init__(self, shape: BulkData, anchor: float) -> None:
        context = multiprocessing.get_context("spawn")
        self._ready = context.Queue()
        self._stop = context.Event()
        self._process = context.Process(target=_serve, args=(shape, anchor, self._ready, self._stop), daemon=True)

    def __enter__(self) -> Endpoint:
        self._process.start()
        self.endpoint: Endpoint = self._ready.get(timeout=120)
        return self.endpoint

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()


def anchor_now() -> float:
    """The end of the generated history: a minute ago, so every conversation looks recent."""
    return round(time.time() - 60.0)
