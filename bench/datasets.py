"""The benchmark's data: generated Sakari accounts, served by a simulator process and cached in stores.

A store is filled from the very JSON the simulator serves (same seed, same anchor time), so an app
started on it finds its first poll unchanged, as it would after a previous session.
"""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
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
# 100,000 conversations, 1,000,000+ messages (issue 17): the same long threads, 10 messages each else.
SHAPE_100K = BulkData(conversations=100_000, messages_per_conversation=10, long_threads=(10_000, 10))
SHAPE_100 = BulkData(conversations=100, messages_per_conversation=10, long_threads=(10_000, 10))


def simulator_config(shape: BulkData, anchor: float) -> SimulatorConfig:
    return SimulatorConfig(seed=SEED, demo_data=False, bulk=replace(shape, anchor=anchor), customers=False)


# Conversations merged per transaction when building a store (see `_Batched`).
BATCH = 2_000


class _Batched:
    """The store's connection, as its merges see it while a store is built: their own BEGIN and
    commit are left out, so that `build_store` groups thousands of them in one transaction.

    The merges still run every statement of theirs (and the search index's triggers) unchanged;
    only the grouping differs. At one transaction per conversation, commits were a third of the
    time (each flushes the full-text index's pending segment)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __getattr__(self, name: str) -> object:
        return getattr(self._connection, name)

    def __enter__(self) -> _Batched:
        return self

    def __exit__(self, *exc_info: object) -> bool:
        return False

    def execute(self, sql: str, parameters: object = (), /) -> sqlite3.Cursor | None:
        if sql.lstrip().upper().startswith("BEGIN"):
            return None
        return self._connection.execute(sql, parameters)

    def commit(self) -> None:
        """The build commits, every `BATCH` conversations."""


def build_store(path: Path, shape: BulkData, anchor: float) -> dict[str, int]:
    """Cache the whole account (every conversation and message) in a new store at `path`.

    Each conversation goes in through the store's own merges, as a sync would put it there: its
    messages (`merge_messages`), then the conversation (`merge_conversations`, which also writes
    its last message). The last message is validated once and shared by both."""
    state = SimulatorState(simulator_config(shape, anchor))
    view = View()
    ordered = sorted(state.conversations.values(), key=lambda c: (c.updated_at, c.id), reverse=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = Store(path)
    connection = store.db
    # A throwaway file, rebuilt after any failure: no need to wait for the disk.
    connection.execute("PRAGMA synchronous=OFF")
    store.inbox.db = _Batched(connection)  # type: ignore[assignment]
    try:
        for start in range(0, len(ordered), BATCH):
            connection.execute("BEGIN")
            for page_start in range(start, min(start + BATCH, len(ordered)), PAGE):
                page = ordered[page_start : page_start + PAGE]
                conversations = []
                for conversation in page:
                    messages = [
                        Message.model_validate(message_json(state, state.messages[mid], view))
                        for mid in conversation.message_ids
                    ]
                    store.inbox.merge_messages(conversation.id, messages)
                    data = conversation_json(state, conversation, view)
                    if messages:
                        data["lastMessage"] = messages[-1]
                    conversations.append(Conversation.model_validate(data))
                store.inbox.merge_conversations(conversations)
            connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.inbox.db = connection
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


def _remember_conversation_order() -> None:
    """Make the simulator's conversation list sort its conversations once per change, not per page.

    It sorts every conversation for each page it serves: 0.1-0.4 s at 100,000, so a walk of the
    1,000 pages took minutes of the simulator's CPU, on the machine the app is measured on. The
    order only changes when a conversation is added or a message arrives (`add_message` takes the
    next message seq), so it is remembered for (conversation count, message seq). The pages are
    the same; only the simulator is quicker. (Proposed for simulator/endpoints/conversations.py.)
    """
    from sakari_tui.simulator.endpoints import conversations as endpoint

    remembered: dict[int, tuple[tuple[int, int], list]] = {}

    async def list_conversations(request, state):
        offset, limit = endpoint.page_params(request)
        view = endpoint.view_for(request, state)
        with state.lock:
            version = (len(state.conversations), state._message_seq)
            known = remembered.get(id(state))
            if known is None or known[0] != version:
                ordered = sorted(state.conversations.values(), key=lambda c: (c.updated_at, c.id), reverse=True)
                remembered[id(state)] = known = (version, ordered)
            return endpoint.page(known[1], offset, limit, lambda c: endpoint.conversation_json(state, c, view))

    endpoint.list_conversations = list_conversations


def _serve(shape: BulkData, anchor: float, ready: multiprocessing.Queue, stop: multiprocessing.Event) -> None:
    _remember_conversation_order()
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
