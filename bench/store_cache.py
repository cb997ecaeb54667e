"""Built stores kept between bench runs: the 100,000-conversation one takes minutes to build.

A cached store is reused while everything it was made from is unchanged: the seed and shape, the
store's schema version and the source of the code that generates and writes it (the store, the
API models it stores, the simulator that generates the account, and `datasets.build_store` with
what it uses). Any change there gives another key, so a stale store is never measured.

Times in a store are relative to its anchor (the end of the generated history), so a cached store
comes with the anchor it was built on, and the simulator serving its account must start on that
same anchor (`CachedStore.anchor`): the app's first poll then finds nothing changed, as after a
previous session. The app's clock is later than the data by the cache's age (at most `MAX_AGE`):
the customers have simply waited longer. See `scale.py` for what that does and does not change.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sakari_tui.simulator import BulkData

from . import datasets
from .datasets import SEED, build_store, copy_store

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The code a cached store depends on: what generates the account and what writes it.
SOURCES = ("sakari_tui/store", "sakari_tui/api/models", "sakari_tui/simulator")
# Older than this, a cached store is rebuilt (its customers' waits would keep growing).
MAX_AGE = 7 * 86400.0


def cache_dir() -> Path:
    """`SAKARI_BENCH_CACHE`, else `bench/.cache` (which ignores itself in git)."""
    override = os.environ.get("SAKARI_BENCH_CACHE")
    folder = Path(override) if override else HERE / ".cache"
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not override and not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    return folder


def source_hash(root: Path = ROOT, sources: tuple[str, ...] = SOURCES) -> str:
    """A hash of every .py file under `sources` (names and contents), and of the bench's own
    building code (not the rest of datasets.py: how its simulator runs does not change a store)."""
    digest = hashlib.sha256()
    for part in (datasets.build_store, datasets._Batched, datasets.simulator_config):
        digest.update(inspect.getsource(part).encode())
    digest.update(repr((datasets.SEED, datasets.PAGE, datasets.BATCH)).encode())
    for source in sources:
        top = root / source
        files = [top] if top.is_file() else sorted(top.rglob("*.py"))
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def cache_key(shape: BulkData, seed: int = SEED) -> str:
    """What a cached store of `shape` must match (its anchor aside)."""
    from sakari_tui.store.db import SCHEMA_VERSION

    shape_fields = {name: value for name, value in asdict(shape).items() if name != "anchor"}
    text = json.dumps({"seed": seed, "shape": shape_fields, "schema": SCHEMA_VERSION, "code": source_hash()})
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class CachedStore:
    path: Path
    """The cached store (copy it before an app writes to it: `copy_store`)."""
    anchor: float
    """The anchor it was built on: start its simulator on the same one."""
    sizes: dict[str, int]
    built_s: float | None
    """Seconds this call spent building it; None when it came from the cache."""


def cached_store(shape: BulkData, *, folder: Path | None = None, now: float | None = None) -> CachedStore:
    """The store of `shape` from the cache, built (and cached) first when missing or too old."""
    folder = folder or cache_dir()
    name = f"store-{shape.conversations}x{shape.messages_per_conversation}"
    key = cache_key(shape)
    path, meta = folder / f"{name}-{key}.sqlite3", folder / f"{name}-{key}.json"
    now = time.time() if now is None else now
    if path.exists() and meta.exists():
        info = json.loads(meta.read_text(encoding="utf-8"))
        if now - info["anchor"] <= MAX_AGE:
            return CachedStore(path, info["anchor"], info["sizes"], None)
    for stale in folder.glob(f"{name}-*"):  # one store of a shape at a time: each is hundreds of MB
        stale.unlink()
    anchor = round(now - 60.0)  # as `datasets.anchor_now`
    began = time.monotonic()
    partial = folder / f"{name}-{key}.part.sqlite3"
    sizes = build_store(partial, shape, anchor)
    partial.replace(path)
    built_s = time.monotonic() - began
    meta.write_text(json.dumps({"anchor": anchor, "sizes": sizes, "built_s": round(built_s, 1)}), encoding="utf-8")
    return CachedStore(path, anchor, sizes, built_s)


__all__ = ["CachedStore", "cache_dir", "cache_key", "cached_store", "copy_store", "source_hash"]
