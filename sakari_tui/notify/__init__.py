"""Getting the user's attention for new customer texts: how (`notifier`: OSC 9/777, desktop
notifications, the on_message hook) and when (`alerts`: not for the first sync's backlog, not for
muted conversations, a few at a time in a burst). Never imports Textual."""

from .alerts import NOTIFY_AT_ONCE, Alerts
from .notifier import NewMessage, Notifier

__all__ = ["Alerts", "NOTIFY_AT_ONCE", "NewMessage", "Notifier"]
