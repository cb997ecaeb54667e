"""The README stays true: its references are generated, and its client example runs."""

import contextlib
import io
import re
from pathlib import Path

from sakari_tui.config import config_reference
from sakari_tui.simulator.server import SimulatorServer
from sakari_tui.ui.keys import key_reference

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_opens_with_the_two_commands():
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split()[:2] for line in first_block.strip().splitlines()] == [["make", "demo"], ["make", "test"]]


def test_settings_and_keys_references_are_current():
    assert config_reference() in README
    assert key_reference() in README


def test_client_example_runs_against_the_simulator():
    code = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    with SimulatorServer(seed=1) as server:
        code = code.replace("http://127.0.0.1:8765", server.base_url)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {"__name__": "readme_example"})
    lines = out.getvalue().splitlines()
    assert lines[1] == "queued"
    assert any(line.startswith("→ Thanks, it ships today!") for line in lines)
    assert lines[-1].startswith("CONT-001 Invalid mobile number")
