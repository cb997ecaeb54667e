"""Loading httpx without its command-line tool.

httpx's `__init__` imports `httpx._main` (the `httpx` command) whenever click and rich are
installed, as they are here (uvicorn needs click, Textual needs rich): click, pygments, and rich's
syntax and progress modules, about 25 ms on the way to the first request, for a command
sakari-tui never runs. A None in `sys.modules` makes that one import fail as it does where they
are missing, and httpx puts its stub in place of the command; nothing else of httpx changes.
"""

from __future__ import annotations

import sys
from types import ModuleType

_HTTPX_CLI = "httpx._main"


def load_httpx() -> ModuleType:
    """httpx, imported now if it is not yet, without its command-line tool."""
    if "httpx" not in sys.modules:
        sys.modules.setdefault(_HTTPX_CLI, None)  # type: ignore[arg-type]
        try:
            import httpx
        finally:
            if sys.modules.get(_HTTPX_CLI, False) is None:
                del sys.modules[_HTTPX_CLI]  # a later `import httpx._main` (its command) still works
    import httpx

    return httpx
