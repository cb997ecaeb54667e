"""The settings of attachments (MMS media): `[attachments]`, where `w` saves, how much `w` and `p`
fetch at most, and how `p` draws a picture.

Part of `config` (which re-exports these names); no Textual, no I/O beyond reading the platform's
downloads folder name.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Literal

from .config_tables import Table, setting

PREVIEW_MODES = ("auto", "halfcell", "off")


@dataclasses.dataclass
class AttachmentsSection(Table):
    """[attachments]: saving, fetching and previewing pictures and files."""

    folder: str = ""
    """Folder `w` saves attachments into (`~` allowed); empty: your downloads folder."""
    max_download_mb: float = setting(20.0, gt=0.0, le=1000.0)
    """Largest attachment `w` saves or `p` previews, in MB; a bigger one is refused before it is fetched."""
    preview: Literal["auto", "halfcell", "off"] = "auto"
    """How `p` draws a picture: `auto` (Kitty graphics or Sixel where the terminal has them, else half blocks), `halfcell` (half blocks everywhere) or `off`."""

    def save_folder(self) -> Path:
        """Where saved attachments go: the setting, else the platform's downloads folder."""
        if self.folder.strip():
            return Path(self.folder.strip()).expanduser()
        from platformdirs import user_downloads_dir

        return Path(user_downloads_dir())

    @property
    def max_download_bytes(self) -> int:
        return int(self.max_download_mb * 1_000_000)
