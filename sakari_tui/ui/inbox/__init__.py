"""The inbox screen and its panes (see screen.py)."""

from .messages import EngineEvent, ReplySubmitted
from .screen import InboxScreen

__all__ = ["EngineEvent", "InboxScreen", "ReplySubmitted"]
