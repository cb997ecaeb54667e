"""Deterministic ids: the same seed gives the same ids in the same order."""

from __future__ import annotations

import random


class IdFactory:
    """24-hex-digit ids (the shape of Sakari's), drawn from a seeded RNG."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"ids-{seed}")
        self._issued: set[str] = set()

    def new(self) -> str:
        """A fresh id never issued before by this factory."""
        while True:
            candidate = f"{self._rng.getrandbits(96):024x}"
            if candidate not in self._issued:
                self._issued.add(candidate)
                return candidate
