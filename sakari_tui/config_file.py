"""The settings file on disk: reading it as TOML, and writing changes atomically and privately."""

from __future__ import annotations

import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .atomic_file import write_whole
from .config_checks import ConfigError, file_error


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise file_error(path, None, f"it is not valid TOML ({exc})", f"{path} is not valid TOML: {exc}.") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise file_error(path, None, f"it cannot be read ({reason})", f"Cannot read {path}: {reason}.") from None


def not_a_table(path: Path, table: str) -> ConfigError:
    return file_error(
        path, table, f"it must be a table like [{table}]", f"{path}: {table!r} must be a table like [{table}]."
    )


def update_config_file(path: Path, changes: Mapping[tuple[str, str], Any]) -> None:
    """Set `(table, key)` values in the settings file, keeping everything else as it was.

    Writes a temporary file beside it and renames it over the old one, so a crash never
    leaves half a file; the file stays private (0600) because it may hold the client secret.
    Values from the environment are never written.
    """
    data = read_toml(path)
    for (table, key), value in changes.items():
        section = data.setdefault(table, {})
        if not isinstance(section, dict):
            raise not_a_table(path, table)
        section[key] = value
    write_config_file(path, data)


def write_config_file(path: Path, data: Mapping[str, Any]) -> None:
    """Write a whole settings file atomically with mode 0600."""
    import tomli_w

    # Private: others who can write to the folder could replace the file (permission_problem).
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_whole(path, tomli_w.dumps(dict(data)).encode("utf-8"), mode=stat.S_IRUSR | stat.S_IWUSR, prefix=".config-")
