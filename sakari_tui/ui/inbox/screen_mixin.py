"""The base every mixin of `InboxScreen` names (replying.py, triage.py, list_views.py, …).

For the type checker it is the screen itself, so a mixin's `self.engine`, `self.thread_pane` and
the rest are checked against what the screen has; at run time it is `object`, as the screen
(screen.py) imports the mixins and a mixin importing it back would be a cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .screen import InboxScreen as InboxScreenMixin
else:
    InboxScreenMixin = object

__all__ = ["InboxScreenMixin"]
