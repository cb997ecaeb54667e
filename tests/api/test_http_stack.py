"""httpx loads without its command-line tool (click, pygments, rich's syntax): 25 ms on the way
to the first request that sakari-tui never uses; and its command still imports if asked for."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from sakari_tui.api.http_stack import load_httpx
httpx = load_httpx()
loaded = {name: name in sys.modules for name in ("httpx._main", "click", "pygments.lexers", "rich.syntax")}
client_ok = httpx.AsyncClient is not None and httpx.Client().is_closed is False
import httpx._main  # the command itself is still there for whoever asks for it
print(json.dumps({"loaded": loaded, "client_ok": client_ok, "cli_later": callable(httpx._main.main)}))
"""


def test_httpx_loads_without_its_command_line_tool():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True)
    seen = json.loads(done.stdout)
    assert seen["loaded"] == {"httpx._main": False, "click": False, "pygments.lexers": False, "rich.syntax": False}
    assert seen["client_ok"] and seen["cli_later"]


def test_an_httpx_already_loaded_is_handed_back_as_it_is():
    import httpx

    from sakari_tui.api.http_stack import load_httpx

    assert load_httpx() is httpx
