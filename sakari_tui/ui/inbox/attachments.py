"""Attachments, for the inbox screen: open (o), save (w) and preview (p) what a message carries,
and attach a file to the reply (a, Alt+A in the reply, or a file dropped on the terminal).

A mixin of `InboxScreen`. Nothing is fetched before a key asks for it; every fetch is capped
(`attachments.max_download_mb`) and every refusal is one sentence (`media.fetch.MediaError`).
Only http(s) links are opened, after the host is shown; a file is saved under a new name, never
over another, and never outside the chosen folder (`media.saving`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from ...media.attachments import Attachment, MediaError
from ...media.opener import open_link
from ...sms.mms import mms_warnings
from ...store.outbox_media import LocalFile, local_file
from ...sync.events import UploadProgress
from ...text import one_line
from ..format import number_label
from ..widgets.compose import ComposeArea
from ..widgets.thread_log import ThreadLog
from ..widgets.transfer_bar import Transfer
from .commands import key_in_words
from .screen_mixin import InboxScreenMixin

if TYPE_CHECKING:
    from ..screens.attach_file import AttachChoice

log = logging.getLogger(__name__)

NO_ATTACHMENT = "This message has no attachment: [ and ] select another message."
NONE_IN_THREAD = "No message in this conversation has an attachment."


def private_media_allowed(api_url: str) -> bool:
    """Media from this machine or its network is fetched only when the Sakari API itself is
    there (the simulator, a local proxy): a customer's link must not reach into the office."""
    import ipaddress
    from urllib.parse import urlsplit

    from ...config_checks import is_loopback_host

    host = (urlsplit(api_url).hostname or "").strip("[]")
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return is_loopback_host(host)


class AttachmentFlows(InboxScreenMixin):
    # --- o, w, p on a message ---------------------------------------------------------------

    # (Handlers by name, not @on: Textual collects @on handlers only from message pumps' own classes.)
    def on_thread_log_attachment_chosen(self, message: ThreadLog.AttachmentChosen) -> None:
        if not message.attachments:
            self.notify(NONE_IN_THREAD if message.key is None else NO_ATTACHMENT)
            return
        if message.verb == "open":
            self.open_attachment(message.attachments[0])
        elif message.verb == "save":
            self.save_attachments(list(message.attachments))
        else:
            images = [a for a in message.attachments if a.is_image] or [
                a for a in message.attachments if a.content_type is None and a.openable
            ]
            if not images:
                self.notify(f"{message.attachments[0].name} is not a picture: o opens it, w saves it.")
                return
            self.preview_attachment(images[0])

    def open_attachment(self, attachment: Attachment) -> None:
        """Show the host first; only on a yes does the system opener get the (http or https) link."""
        if not attachment.openable:
            try:
                open_link(attachment)  # refuses, with the sentence that says why
            except MediaError as error:
                self.notify(str(error), severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                open_link(attachment)
            except MediaError as error:
                self.notify(str(error), severity="error")
                return
            self.notify(f"Opened {attachment.name} from {attachment.host} with your browser.")

        from ..screens.confirm import ConfirmScreen  # where shown: not before the first frame

        self.app.push_screen(
            ConfirmScreen(
                f"Open {attachment.name} from {attachment.host} with your browser?\n{one_line(attachment.url, 300)}",
                yes="Open",
                no="Cancel",
            ),
            answered,
        )

    @property
    def _private_media_ok(self) -> bool:
        return private_media_allowed(self.settings.sakari.api_url)

    def _progress(self, label: str) -> Callable[[int, int | None], None]:
        bar = self.thread_pane.transfer_bar

        def moved(done: int, total: int | None) -> None:
            bar.transfer = Transfer(label, done, total)

        return moved

    @work(group="attachment-save", exit_on_error=False)
    async def save_attachments(self, attachments: list[Attachment]) -> None:
        from ...media.fetch import fetch_to_file  # the downloader loads at its first use, not before the first frame

        settings = self.settings.attachments
        folder = settings.save_folder()
        bar = self.thread_pane.transfer_bar
        for attachment in attachments:
            if not attachment.openable:
                try:
                    open_link(attachment)
                except MediaError as error:
                    self.notify(f"Not saved: {error}", severity="warning")
                continue
            bar.transfer = Transfer(f"Saving {attachment.name}")
            try:
                saved = await fetch_to_file(
                    attachment,
                    folder,
                    max_bytes=settings.max_download_bytes,
                    progress=self._progress(f"Saving {attachment.name}"),
                    allow_private=self._private_media_ok,
                )
            except MediaError as error:
                self.notify(str(error), severity="error")
                continue
            finally:
                bar.transfer = None
            self.notify(f"Saved {saved.name} to {saved.parent}.")

    def preview_attachment(self, attachment: Attachment) -> None:
        # The dialogs load on first use: nothing of them is needed before the first frame.
        from ..graphics import image_widget_class, probe_while_suspended
        from ..screens.image_preview import ImagePreviewScreen, PreviewFailed

        mode = self.settings.attachments.preview
        if self.app.graphics_probe is None and mode != "off":
            self.app.graphics_probe = probe_while_suspended(self.app, mode)
        widget_class = image_widget_class(mode, self.app.graphics_probe)
        if widget_class is None:
            self.notify("Previews are off (attachments.preview): o opens the picture, w saves it.")
            return
        max_bytes = self.settings.attachments.max_download_bytes
        allow_private = self._private_media_ok

        async def load(progress: Callable[[int, int | None], None]):
            from ...media.fetch import fetch
            from ...media.images import checked_image  # Pillow: loaded only when a preview is asked for

            try:
                fetched = await fetch(attachment, max_bytes=max_bytes, progress=progress, allow_private=allow_private)
                return await asyncio.to_thread(
                    checked_image, fetched.data, declared_type=fetched.content_type or attachment.content_type
                )
            except MediaError as error:
                raise PreviewFailed(str(error)) from None

        parts = [attachment.content_type or "", f"from {attachment.host}" if attachment.host else ""]
        subtitle = " · ".join(part for part in parts if part)

        def closed(choice: str | None) -> None:
            if choice == "save":
                self.save_attachments([attachment])
            elif choice == "open":
                self.open_attachment(attachment)

        screen = ImagePreviewScreen(
            f"{attachment.icon} {attachment.name}", subtitle, load, widget_class=widget_class, host=attachment.host
        )
        self.app.push_screen(screen, closed)

    def upload_moved(self, event: UploadProgress) -> None:
        """A reply's file is being uploaded: its bubble says how far (the last event says all of it)."""
        pane = self.thread_pane
        if event.sent >= event.total:
            pane.uploads.pop(event.local_id, None)
        else:
            pane.uploads[event.local_id] = (event.sent, event.total)
        if event.conversation_id == self.open_id:
            pane.show_thread()

    # --- attaching a file to the reply ---------------------------------------------------------

    def action_attach(self) -> None:
        from ..screens.attach_file import AttachFileScreen

        if self.open_id is None:
            self.notify("Open a conversation first: a file goes with a reply.")
            return
        if not self.thread_pane.can_reply:
            self.thread_pane.compose_box.say_why_off()
            return
        box = self.compose_box
        number = self.thread_pane.number()
        shown = number_label(number) if number else ""
        conversation = self.thread_pane.conversation()
        contact = self.contact_of(conversation) if conversation and conversation.contact else None
        recipient = contact.display_name if contact else shown or "this contact"

        def warnings(file: LocalFile) -> list[str]:
            return mms_warnings(file.name, file.size, number, self.settings.compose, shown)

        def chosen(choice: AttachChoice | None) -> None:
            if choice is None:
                return
            self.attach_file(choice.file)

        start = f"{self._attach_folder}/" if self._attach_folder else "~/"
        self.app.push_screen(
            AttachFileScreen(recipient, start=start, current=box.attachment, warnings=warnings), chosen
        )

    def attach_file(self, file: LocalFile | None, *, dropped: bool = False) -> None:
        box = self.compose_box
        if file is None:
            box.attachment = None
            self.notify("Attachment removed; the reply goes as SMS.")
            return
        self._attach_folder = str(file.path.parent)
        box.attach_key = key_in_words(self, "app.attach_in_reply")
        box.attachment = file
        how = "Dropped file attached" if dropped else "Attached"
        self.notify(f"{how}: {file.name}. It is uploaded when you send; {box.attach_key} changes or removes it.")
        if not dropped:
            self.thread_pane.focus_reply(say_why=False)

    def on_compose_area_file_dropped(self, message: ComposeArea.FileDropped) -> None:
        if not self.thread_pane.can_reply:
            return
        try:
            file = local_file(Path(message.path))
        except ValueError as error:
            self.notify(f"Not attached: {error}", severity="warning")
            return
        self.attach_file(file, dropped=True)
