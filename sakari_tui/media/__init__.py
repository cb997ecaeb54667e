"""Attachments (MMS media): what a message carries, fetching it within limits, saving it without
overwriting, checking images before decoding them, and opening links with the system opener.
No Textual here.

- `attachments`: `Attachment` (cleaned URL, safe name, kind, icon, display line), `safe_name`,
  `attachment_from_media`, `attachments_of`, `media_summary`, `format_size`, and `MediaError`,
  the one error of the package (its `str()` is one sentence for the user). Pure, no I/O.
- `fetch`: `fetch` / `fetch_to_file` over http(s) with a size limit and hand-checked redirects.
- `saving`: `unique_path`, `save_bytes`, `SaveTarget`: inside the folder, never over a file.
- `images`: `sniff_type`, `checked_image` (imports Pillow: import it only for a preview).
- `opener`: `opener_command`, `open_link` (no shell, detached, no credentials).

The submodules are imported by name (`from sakari_tui.media.fetch import fetch`), so importing the
package loads neither httpx nor Pillow.
"""
