"""sakari-tui: a terminal inbox for the Sakari SMS platform."""

__version__ = "0.1.0"
