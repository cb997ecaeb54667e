"""The folder `templates pull` and `push` work in (sync/template_sync.py): its template files read
and written, and its manifest of what pull last wrote.

Each file is written to a hidden temporary file in the folder and renamed into place, so a file is
never half-written; only names pull chose itself are written, and a symbolic link in the folder is
never followed (see template_sync.py's docstring for the whole contract).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from ..sms.template_files import TemplateFile, is_template_file_name, parse_template_file
from ..text import one_line

MANIFEST = ".sakari-templates.json"
MANIFEST_VERSION = 1


class TemplateFolderError(Exception):
    """The folder cannot be read or written, or Sakari's list is incomplete: one sentence."""


def shown_path(path: Path | str) -> str:
    return one_line(str(path), 120)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_bytes(text: str) -> bytes:
    # A lone surrogate (JSON may carry one) is kept, so the text comes back exactly.
    return text.encode("utf-8", "surrogatepass")


# --- the folder --------------------------------------------------------------------------------


def folder_entries(folder: Path) -> dict[str, bytes | None]:
    """Every entry's name; the bytes of each regular `*.txt` file (None for anything else)."""
    try:
        names = os.listdir(folder)
    except OSError as error:
        raise TemplateFolderError(
            f"Could not read the folder {shown_path(folder)}: {error.strerror or error}."
        ) from None
    entries: dict[str, bytes | None] = {}
    for name in sorted(names):
        entries[name] = None
        path = folder / name
        if is_template_file_name(name) and path.is_file() and not path.is_symlink():
            try:
                entries[name] = path.read_bytes()
            except OSError as error:
                raise TemplateFolderError(f"Could not read {shown_path(path)}: {error.strerror or error}.") from None
    return entries


def parse_entry(name: str, data: bytes) -> TemplateFile:
    try:
        content = data.decode("utf-8-sig", "surrogatepass")
    except UnicodeDecodeError:
        raise ValueError(f"{one_line(name, 80)} is not UTF-8 text.") from None
    return parse_template_file(name, content)


def read_folder(folder: Path) -> tuple[list[TemplateFile], list[str]]:
    """The folder's template files, and one sentence per `*.txt` entry that is not one."""
    files, problems = [], []
    for name, data in folder_entries(folder).items():
        if not is_template_file_name(name):
            continue
        if data is None:
            problems.append(f"{one_line(name, 80)} is not a regular file (a link or a folder); skipped.")
            continue
        try:
            files.append(parse_entry(name, data))
        except ValueError as error:
            problems.append(str(error))
    return files, problems


def write_file(folder: Path, name: str, data: bytes) -> None:
    """Write `folder/name` whole or not at all (temporary file, then rename)."""
    if name != MANIFEST and not is_template_file_name(name):  # pragma: no cover - names are ours
        raise TemplateFolderError(f"Refused to write {shown_path(name)}: not a template file name.")
    try:
        fd, temporary = tempfile.mkstemp(prefix=".sakari-", suffix=".tmp", dir=folder)
    except OSError as error:
        raise TemplateFolderError(f"Could not write in {shown_path(folder)}: {error.strerror or error}.") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, folder / name)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise TemplateFolderError(f"Could not write {shown_path(folder / name)}: {error.strerror or error}.") from None


# --- the manifest ------------------------------------------------------------------------------


def load_manifest(folder: Path) -> tuple[dict[str, str], str | None]:
    """File name → SHA-256 as last written; a note when the manifest could not be read."""
    path = folder / MANIFEST
    if not path.exists():
        return {}, None
    try:
        data = json.loads(path.read_text("utf-8"))
        hashes = {str(name): str(entry["sha256"]) for name, entry in data["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, f"{MANIFEST} could not be read, so every file counts as edited here."
    return hashes, None


def save_manifest(folder: Path, hashes: dict[str, str]) -> None:
    files = {name: {"sha256": sha} for name, sha in sorted(hashes.items())}
    text = json.dumps({"version": MANIFEST_VERSION, "files": files}, indent=2, ensure_ascii=False) + "\n"
    write_file(folder, MANIFEST, text.encode("utf-8"))
