"""The shared budget across real processes: children on one file never get more tokens than the
bucket holds, and a 429 one of them records holds the others back."""

import subprocess
import sys

from sakari_tui.api.budget import RequestBudget, budget_file

CHILD = """
import sys
from sakari_tui.api.budget import RequestBudget
budget = RequestBudget(sys.argv[1], per_minute=0.001, burst=10)
print(sum(budget.try_take() == 0.0 for _ in range(8)))
if sys.argv[2] == "429":
    budget.rate_limited(120.0)
"""


def test_children_share_one_bucket_and_one_429(tmp_path):
    path = budget_file(tmp_path, "acc")
    RequestBudget(path, per_minute=0.001, burst=10)  # the file exists before they race for it
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), "429" if index == 0 else "-"], stdout=subprocess.PIPE, text=True
        )
        for index in range(3)
    ]
    taken = [int(child.communicate(timeout=60)[0]) for child in children]
    assert sum(taken) == 10  # 24 asked for, 10 in the bucket (it refills once in 17 hours)
    blocked = RequestBudget(path, per_minute=0.001, burst=10).blocked_for()
    assert 60 < blocked <= 120.0  # recorded by the first child a moment ago
