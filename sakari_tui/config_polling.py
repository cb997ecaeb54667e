"""The settings of polling: `[sync]`, how often the inbox asks the API for news (slower when
nobody is at it), and `[sakari] request_budget`'s shared budget file.

Part of `config` (which re-exports these names); no Textual, no I/O.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from .config_tables import Table, setting

if TYPE_CHECKING:
    from .api.budget import RequestBudget

DEFAULT_REQUEST_BUDGET = 600
BURST_MINUTES = 2


@dataclasses.dataclass
class SyncSection(Table):
    """[sync]: how often to ask the API for news."""

    poll_interval: float = setting(5.0, ge=1.0, le=3600.0)
    """Seconds between checks of the conversation list (1 to 3600)."""
    thread_poll_interval: float = setting(2.0, ge=1.0, le=3600.0)
    """Seconds between checks of the open conversation (1 to 3600; at most poll_interval)."""
    unfocused_poll_interval: float = setting(30.0, ge=1.0, le=3600.0)
    """Seconds between checks (list and open conversation) while the terminal window is not focused (1 to 3600; never faster than poll_interval)."""
    idle_poll_interval: float = setting(60.0, ge=1.0, le=3600.0)
    """Seconds between checks (list and open conversation) once nobody has pressed a key or moved the mouse for idle_after seconds (1 to 3600; never faster than poll_interval)."""
    idle_after: float = setting(300.0, ge=10.0, le=86400.0)
    """Seconds without a key or the mouse after which the inbox counts as idle (10 to 86400); a key or focus brings the normal pace back at once."""

    def slow_polling(self) -> dict[str, float]:
        """The Poller's keywords for the slower paces."""
        return {
            "unfocused_interval": self.unfocused_poll_interval,
            "idle_interval": self.idle_poll_interval,
            "idle_after": self.idle_after,
        }


def shared_budget(account_id: str, per_minute: int, env: Any = None) -> RequestBudget:
    """The account's request budget in the data folder, shared by every sakari-tui there
    (`per_minute` 0: no cap, still sharing 429 waits and polls)."""
    from .api.budget import RequestBudget, budget_file
    from .paths import data_dir

    # No account yet (`config init` trying credentials): nothing to share it with.
    path = budget_file(data_dir(env), account_id) if account_id else None
    # Bursts of two minutes' worth: the first walk of a 100,000-conversation account (1,000 pages)
    # goes at full speed; what the budget is for is the steady load of many processes.
    return RequestBudget(path, per_minute=per_minute or None, burst=BURST_MINUTES * per_minute if per_minute else None)
