"""The README's scripting recipes, run as written (with --demo) in a shell: each must work."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def recipes() -> list[str]:
    text = README.read_text()
    section = text[text.index("## Scripting") : text.index("## The API client")]
    return re.findall(r"```sh\n(.*?)```", section, flags=re.S)


def run_recipe(script: str, folder: Path) -> subprocess.CompletedProcess:
    environment = dict(os.environ)
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"
    return subprocess.run(
        ["sh", "-c", script], cwd=folder, env=environment, capture_output=True, text=True, timeout=120
    )


def test_the_readme_has_three_recipes():
    assert len(recipes()) == 3


@pytest.fixture
def demo_numbers():
    """Two demo customers with an open conversation who take texts (seed 1, as --demo)."""
    from sakari_tui.simulator.server import SimulatorServer

    with SimulatorServer(seed=1, customers=False) as server:
        state = server.state
        numbers = [
            state.contacts[c.contact_id].mobile
            for c in state.conversations.values()
            if c.is_open and state.contacts[c.contact_id].blocked_at is None
        ]
    return numbers[:2]


def test_the_reminder_recipe_sends_or_says_why_not_for_each_number(tmp_path, demo_numbers):
    (tmp_path / "tomorrow.txt").write_text("\n".join(demo_numbers) + "\n")
    done = run_recipe(recipes()[0], tmp_path)
    assert done.returncode == 0, done.stderr
    sent = re.findall(r'"id": "([0-9a-f]+)"', done.stdout)
    refused = re.findall(r"not sent to (\+\d+) \(exit (\d)\)", done.stderr)
    assert len(sent) + len(refused) == 2, (done.stdout, done.stderr)
    assert all(code in ("3",) for _number, code in refused)  # quiet hours, at some times of day


def test_the_record_recipe_exports_and_checks_the_thread(tmp_path):
    done = run_recipe(recipes()[1], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "intact"
    assert (tmp_path / "dispute.json").is_file()


def test_the_waiting_recipe_prints_who_waits(tmp_path):
    done = run_recipe(recipes()[2], tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines and all(" has waited " in line for line in lines)
