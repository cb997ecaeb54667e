"""Attachments (MMS media): what a message carries, fetching it within limits, saving it without
overwriting, checking images before decoding them, and opening links with the system opener.
No Textual here."""
