"""The core runs without the UI: every core module, imported alone in a fresh interpreter, loads
neither Textual nor rich nor the app's UI or CLI. (pyproject.toml's import contracts say the same
of the import graph; this checks what really happens at run time, lazy imports included.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sakari_tui

PACKAGE = Path(sakari_tui.__file__).parent
CORE_PACKAGES = ("api", "contacts_io", "exports", "media", "notify", "sms", "store", "sync")
CORE_MODULES = ("config", "config_attachments", "editor", "logs", "paths", "subprocesses", "text")
UI_ONLY = ("textual", "rich", "sakari_tui.ui", "sakari_tui.cli")
PROBE = (
    "import importlib, json, sys\n"
    "importlib.import_module(sys.argv[1])\n"
    f"print(json.dumps([name for name in {UI_ONLY!r} if name in sys.modules]))\n"
)


def core_modules() -> list[str]:
    names = [f"sakari_tui.{name}" for name in CORE_MODULES]
    for package in CORE_PACKAGES:
        for path in sorted((PACKAGE / package).rglob("*.py")):
            parts = path.relative_to(PACKAGE).with_suffix("").parts
            names.append(".".join(("sakari_tui", *(parts[:-1] if parts[-1] == "__init__" else parts))))
    return names


def test_the_module_list_finds_every_core_module():
    names = core_modules()
    assert {"sakari_tui.sms.guard", "sakari_tui.notify.alerts", "sakari_tui.sync.closes", "sakari_tui.store"} <= set(
        names
    )
    assert not [name for name in names if name.startswith(("sakari_tui.ui", "sakari_tui.cli", "sakari_tui.simulator"))]


# Importing `a.b.c` runs `a`, then `a.b`, then `a.b.c`: a process that has imported `a.b` and
# nothing else, forked, is where `a.b.c` imported alone would be at that point. So the probe
# imports each package once and forks a child for each module (and subpackage) under it: every
# module is still imported alone, as in a fresh interpreter (an import cycle that breaks when a
# module comes first shows too), without paying for its packages again. 98 fresh interpreters,
# each importing the api package's models again, took 11 s of the suite.
FORK_PROBE = f"""
import importlib, json, os, sys, traceback

UI = {UI_ONLY!r}


def ui_loaded():
    return [name for name in UI if name in sys.modules]


def under(prefix, names):
    \"\"\"In a process that has imported `prefix` (and nothing else of ours): each of `names` imported alone.\"\"\"
    groups = {{}}
    for name in names:
        head = prefix + "." + name[len(prefix) + 1 :].split(".")[0]
        groups.setdefault(head, []).append(name)
    results = {{}}
    for head, members in groups.items():
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            found = {{}}
            try:
                importlib.import_module(head)
                if head in members:
                    found[head] = {{"loaded": ui_loaded()}}
                deeper = [name for name in members if name != head]
                if deeper:
                    found.update(under(head, deeper))
            except BaseException:
                error = traceback.format_exc()
                found = {{name: {{"error": error}} for name in members}}
            with os.fdopen(write_end, "wb") as out:
                out.write(json.dumps(found).encode())
            os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as answer:
            data = answer.read()
        os.waitpid(pid, 0)
        results.update(json.loads(data))
    return results


importlib.import_module("sakari_tui")
print(json.dumps(under("sakari_tui", sys.argv[1:])))
"""


def _ui_modules_loaded_by(name: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, name], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"importing {name} failed:\n{done.stderr}"
    return json.loads(done.stdout)


def _ui_modules_loaded_by_each(names: list[str]) -> dict[str, list[str]]:
    """Each of `names` imported alone (see FORK_PROBE): name -> the UI modules it loaded."""
    done = subprocess.run([sys.executable, "-c", FORK_PROBE, *names], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"the import probe failed:\n{done.stderr}"
    answer = json.loads(done.stdout)
    failed = {name: result["error"] for name, result in answer.items() if "error" in result}
    assert not failed, "\n".join(f"importing {name} failed:\n{error}" for name, error in failed.items())
    return {name: result["loaded"] for name, result in answer.items()}


def test_no_core_module_loads_textual_rich_or_the_ui():
    names = core_modules()
    if hasattr(os, "fork"):
        found = _ui_modules_loaded_by_each(names)
    else:  # no fork (Windows): a fresh interpreter per module, a few at a time (one per core)
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            found = dict(zip(names, pool.map(_ui_modules_loaded_by, names)))
    assert sorted(found) == sorted(names)
    loaded = {name: ui for name, ui in found.items() if ui}
    assert loaded == {}
