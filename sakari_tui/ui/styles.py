"""Where the stylesheets are: `styles/` at the top of a checkout, `sakari_tui/styles/` in a wheel.

The stylesheets live outside the package in the repository (the design card's layout, and
`textual run --dev` live-reloads them there); the wheel ships them inside the package
(pyproject.toml, hatch `force-include`). Either way this finds them.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]


def styles_dir() -> Path:
    """The folder holding the `.tcss` files, installed or checked out."""
    installed = _PACKAGE / "styles"
    return installed if installed.is_dir() else _PACKAGE.parent / "styles"


def stylesheet(name: str) -> Path:
    return styles_dir() / name
