"""`make bench` is not run by CI: at least every bench module must import (a moved helper broke it once)."""

import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.parametrize("module", sorted(p.stem for p in BENCH.glob("*.py") if p.stem != "__init__"))
def test_each_bench_module_imports(module):
    importlib.import_module(f"bench.{module}")
