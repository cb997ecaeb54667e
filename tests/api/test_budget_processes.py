"""The shared budget across real processes: children on one file never get more tokens than the
bucket holds, and a 429 one of them records holds the others back."""

import subprocess
import sys

from sakari_tui.api.budget import RequestBudget, budget_file

TAKE = """
import sys
from sakari_tui.api.budget import RequestBudget
budget = RequestBudget(sys.argv[1], per_minute=0.001, burst=10)
print(sum(budget.try_take() == 0.0 for _ in range(8)))
"""
MEET_429 = """
import sys
from sakari_tui.api.budget import RequestBudget
RequestBudget(sys.argv[1], per_minute=0.001, burst=10).rate_limited(120.0)
"""


def child(code, path):
    return subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)


def test_children_share_one_bucket_and_one_429(tmp_path):
    path = budget_file(tmp_path, "acc")
    RequestBudget(path, per_minute=0.001, burst=10)  # the file exists before they race for it
    takers = [child(TAKE, path) for _ in range(3)]
    taken = [int(taker.communicate(timeout=60)[0]) for taker in takers]
    assert sum(taken) == 10  # 24 asked for, 10 in the bucket (it refills once in 17 hours)
    assert child(MEET_429, path).wait(timeout=60) == 0
    blocked = RequestBudget(path, per_minute=0.001, burst=10).blocked_for()
    assert 60 < blocked <= 120.0  # recorded by the other process a moment ago
