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


def _ui_modules_loaded_by(name: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, name], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"importing {name} failed:\n{done.stderr}"
    return json.loads(done.stdout)


def test_no_core_module_loads_textual_rich_or_the_ui():
    names = core_modules()
    # A few interpreters at a time (one per core): one after the other takes seconds, all at once thrashes.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        loaded = {name: found for name, found in zip(names, pool.map(_ui_modules_loaded_by, names)) if found}
    assert loaded == {}
