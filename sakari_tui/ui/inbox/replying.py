"""Replying, for the inbox screen: check and queue a reply, send it or schedule it (send later),
retry or discard one that failed, cancel a scheduled one, and fill a template into the reply
(a new conversation is new_conversation_flow.py).

A mixin of `InboxScreen` (it uses the screen's panes, engine and settings). What may go is
decided by `sms.guard.check_reply`, a pure function; this only asks the user and queues.
"""

from __future__ import annotations

import logging
import time

from textual import work

from ...api import SakariError
from ...sms.guard import check_reply
from ...sms.quiet_hours import check as quiet_check
from ...sms.quiet_hours import next_send_time_for, their_clock_at
from ...sms.templates import contact_context, unfilled
from ...store import StoreError
from ...store.outbox import is_placeholder
from ...sync import SendState
from ...sync.events import SendStateChanged
from ...text import one_line
from .commands import key_in_words
from .messages import EngineEvent, ReplySubmitted
from .screen_mixin import InboxScreenMixin

# The dialogs are imported where they are shown: none is needed for the first frame, and their
# modules (and the Textual widgets they use: buttons, selects) cost ~15 ms before it otherwise.

log = logging.getLogger(__name__)


class ReplyFlows(InboxScreenMixin):
    # --- sending ------------------------------------------------------------------------------

    def action_send(self) -> None:
        self._close_after_send_for = None  # a plain send: whatever was pressed before, no close
        self.thread_pane.submit()

    def _check(self, conversation_id: str, text: str, **options):
        """`sms.guard.check_reply` for a reply in the open conversation, as this moment has it
        (with the file attached to it, if any)."""
        attached = self.compose_box.attachment
        return check_reply(
            text,
            number=self.thread_pane.number(),
            opted_out=self.thread_pane.opted_out(conversation_id),
            compose=self.settings.compose,
            now_utc=self.clock.now(),
            pressed_at=time.monotonic(),
            attachment=(attached.name, attached.size) if attached is not None else None,
            **options,
        )

    def on_reply_submitted(self, message: ReplySubmitted) -> None:
        conversation_id, text = message.conversation_id, message.text
        check = self._check(conversation_id, text, unfilled_warning=self._unfilled_warned)
        self._unfilled_warned = check.unfilled_warning
        if check.refused:
            self.notify(check.refused, severity=check.severity)
            return
        if not check.confirm:
            self._queue_reply(conversation_id, text)
            return
        from ..screens.confirm import SEND_LATER, SendAnywayScreen

        window = self._their_window()
        attached = self.compose_box.attachment

        def answered(send: bool | str | None) -> None:
            if not send:
                return
            # Things may have changed while the question was open: send only what was confirmed.
            if (
                self.open_id != conversation_id
                or self.compose_box.text != text
                or self.compose_box.attachment != attached
            ):
                self.notify("Not sent: the reply changed while you were asked; press Ctrl+S again.")
            elif self.thread_pane.opted_out(conversation_id):
                self.notify("Not sent: this contact opted out meanwhile.", severity="error")
            elif send == SEND_LATER and window is not None:
                self._schedule(conversation_id, text, window.at)
            else:
                self._queue_reply(conversation_id, text)

        later = None
        if window is not None:
            later = f"Send at {window.local[0][1]:%H:%M} their time ({window.described(self.clock.now().astimezone())})"
        question = "\n".join(check.confirm) + "\n\nSend it anyway?"
        self.app.push_screen(SendAnywayScreen(question, later=later), answered)

    def _their_window(self):
        """The next minute inside the recipient's sending window (all their zones), when it is
        outside it now; None otherwise (or when their zones are not known)."""
        compose, number, now = self.settings.compose, self.thread_pane.number(), self.clock.now()
        if not (compose.quiet_hours and number):
            return None
        if quiet_check(number, now, compose.send_window_start, compose.send_window_end) is None:
            return None
        return next_send_time_for(number, now, compose.send_window_start, compose.send_window_end)

    # --- send later -----------------------------------------------------------------------------

    def action_schedule_reply(self) -> None:
        """Ctrl+L: ask when, then schedule the reply (the checks of a send now, but the time's)."""
        from ..screens.schedule import ScheduleScreen

        if not self.thread_pane.can_reply or self.open_id is None:
            self.notify("Open a conversation you can reply to first.")
            return
        conversation_id, text = self.open_id, self.compose_box.text
        if is_placeholder(conversation_id):
            self.notify("Not scheduled: this conversation is not on Sakari yet; send the first text now.")
            return
        check = self._check(conversation_id, text)
        if check.refused:
            self.notify(check.refused.replace("Ctrl+S", "Ctrl+L"), severity=check.severity)
            return
        number = self.thread_pane.number()

        def chosen(when) -> None:
            if when is None:
                return
            if self.open_id != conversation_id or self.compose_box.text != text:
                self.notify("Not scheduled: the reply changed meanwhile; press Ctrl+L again.")
                return
            self._schedule(conversation_id, text, when)

        screen = ScheduleScreen(
            self.clock.now(), their_clock=lambda when: their_clock_at(number, when) if number else ""
        )
        self.app.push_screen(screen, chosen)

    def _schedule(self, conversation_id: str, text: str, when) -> None:
        from ..screens.schedule import RUNS_ONLY_WHILE_OPEN, when_label

        compose = self.settings.compose
        try:
            self.engine.schedule_reply(
                conversation_id,
                text,
                when.timestamp(),
                media=self.compose_box.attachment,
                window=(compose.send_window_start, compose.send_window_end) if compose.quiet_hours else None,
                keep_on_reply=compose.keep_scheduled_on_reply,
                collision_guard=compose.collision_guard,
            )
        except StoreError as error:
            self.store_failed(error)
            self.notify(f"Not scheduled: {error} The reply stays in the compose box.", severity="error")
            return
        self.store_ok()
        self.compose_box.set_text("")
        self.compose_box.attachment = None
        self.thread_pane.thread_log.pin_to_bottom()
        self.thread_pane.show_thread()
        self.notify(f"Scheduled for {when_label(when)}. {RUNS_ONLY_WHILE_OPEN}", timeout=10)

    def _latest_scheduled(self):
        waiting = [
            p
            for p in self.engine.pending.values()
            if p.conversation_id == self.open_id and p.state is SendState.SCHEDULED
        ]
        return waiting[-1] if waiting else None

    def on_engine_event(self, message: EngineEvent) -> None:
        """A scheduled reply went back into the draft (D, or the customer or a colleague wrote
        first): say so, and put its text into the open compose box without losing what is typed."""
        event = message.event
        if not (isinstance(event, SendStateChanged) and event.state is SendState.CANCELLED):
            return
        if event.conversation_id == self.open_id:
            typed, draft = self.compose_box.text, self.store.drafts.get(event.conversation_id)
            if typed.strip() and typed.strip() not in draft:
                draft = f"{typed.rstrip()}\n\n{draft}"
            self.compose_box.set_text(draft)
        if event.error:
            self.notify(one_line(event.error, 200), severity="warning", timeout=15)
        else:
            self.notify("Scheduled reply cancelled; its text is back in the compose box.")

    def _queue_reply(self, conversation_id: str, text: str) -> None:
        """The reply passed its checks: last, unless turned off, the collision guard reads the thread."""
        if self.settings.compose.collision_guard and not is_placeholder(conversation_id):
            self._guard_then_queue(conversation_id, text)
        else:
            self._enqueue_reply(conversation_id, text)

    @work(group="send-guard", exclusive=True, exit_on_error=False)
    async def _guard_then_queue(self, conversation_id: str, text: str) -> None:
        """Read the thread again (one request) and hold the reply if anyone else wrote since it
        was started; a read that fails holds nothing (the reply queues as without the guard)."""
        pane = self.thread_pane
        attached = self.compose_box.attachment
        check = await self.engine.check_collision(conversation_id, pane.draft_base)
        if self.open_id != conversation_id or self.compose_box.text != text or self.compose_box.attachment != attached:
            self.notify("Not sent: the reply changed while the thread was checked; press Ctrl+S again.")
            return
        if check.held:
            pane.move_draft_base(check.base)  # what is shown now; only newer texts hold the next Ctrl+S
            now = self.engine.client.server_time()
            pane.hold(check, check.sentence(now=now, send_key=key_in_words(self, "app.send"), keep_key="Esc"))
            return
        if check.unchecked:
            log.info("Collision guard could not read the thread (%s); sending as without it.", check.unchecked)
        pane.release_hold()
        self._enqueue_reply(conversation_id, text)

    def _enqueue_reply(self, conversation_id: str, text: str) -> None:
        self.thread_pane.thread_log.pin_to_bottom()
        try:
            pending = self.engine.queue_reply(conversation_id, text, media=self.compose_box.attachment)
        except StoreError as error:
            # Not recorded, so not sent: nothing may go that a crash could lose track of.
            self.store_failed(error)
            self.notify(f"Not sent: {error} The reply stays in the compose box.", severity="error")
            return
        except (OSError, ValueError) as error:  # the attached file could not be kept for the outbox
            self.notify(f"Not sent: {error} The reply and its attachment stay in the compose box.", severity="error")
            return
        self.store_ok()
        self.compose_box.set_text("")
        self.compose_box.attachment = None
        self.reply_queued(conversation_id, pending.local_id)
        self.deliver(pending.local_id)
        self.advance_from(conversation_id)

    @work(group="send", exit_on_error=False)
    async def deliver(self, local_id: str, resend: bool = False) -> None:
        try:
            await self.engine.deliver(local_id, resend=resend)
        except StoreError as error:  # its row is on disk: it is looked for once the store can be written
            self.store_failed(error)
        self.conversations.relist()

    def _latest_failed(self):
        """The newest reply here that needs the user: refused, or of unknown fate."""
        stuck = [
            p
            for p in self.engine.pending.values()
            if p.conversation_id == self.open_id and p.state in (SendState.FAILED, SendState.UNKNOWN)
        ]
        return stuck[-1] if stuck else None

    def action_retry(self) -> None:
        pending = self._latest_failed()
        if pending is None:
            self.notify("No failed message to retry here.")
            return
        if pending.state is SendState.FAILED:  # refused by Sakari: certainly not sent
            self.deliver(pending.local_id, resend=True)
            return

        def answered(yes: bool | None) -> None:
            if yes and self.store.outbox.get(pending.local_id) is not None:  # not found meanwhile
                self.deliver(pending.local_id, resend=True)

        from ..screens.confirm import ConfirmScreen

        self.app.push_screen(
            ConfirmScreen(
                "Sakari may already have this text: the answer to sending it was lost, and it has not been found "
                "among the contact's messages. Check the conversation first. Send it again anyway?",
                yes="Send again",
                no="Keep waiting",
            ),
            answered,
        )

    def action_discard(self) -> None:
        pending = self._latest_failed()
        if pending is None:
            waiting = self._latest_scheduled()
            if waiting is None:
                self.notify("No failed or scheduled message to discard here.")
            elif self.engine.cancel_scheduled(waiting.local_id) is None:
                self.notify("Too late to cancel: it is being sent.")
            return
        self.engine.discard(pending.local_id)
        if is_placeholder(pending.conversation_id) and self.store.inbox.conversation(pending.conversation_id) is None:
            # The first text of a conversation that never opened: back into its dialog, nothing lost.
            target = pending.target or {}
            self.open_id = None
            group_id = target.get("groupId")
            sender = next((s.number for s in self.senders if group_id and s.group_id == group_id), None)
            from ..screens.new_conversation import NewConversation

            self.show_new_conversation(
                NewConversation(
                    target.get("number", ""),
                    target.get("firstName"),
                    target.get("lastName"),
                    pending.text,
                    sender=sender,
                    group_id=group_id,
                )
            )
            return
        if not self.compose_box.text.strip():
            self.compose_box.set_text(pending.text)
            self.notify("Discarded; its text is back in the compose box.")
        self.thread_pane.show_thread()

    # --- the compose box's helpers --------------------------------------------------------------

    def action_templates(self) -> None:
        if self.open_id is None:
            self.notify("Open a conversation first: templates are filled from its contact.")
            return
        self.pick_template()

    @work(group="templates", exclusive=True, exit_on_error=False)
    async def pick_template(self) -> None:
        try:
            templates = await self.engine.templates()
        except SakariError as error:
            self.app.report_error(error)
            return
        if self.engine.templates_note:
            self.notify(self.engine.templates_note, severity="warning")
        conversation = self.thread_pane.conversation()
        contact = self.contact_of(conversation) if conversation and conversation.contact else None
        name = contact.display_name if contact else "this contact"
        from ..screens.template_picker import TemplatePickerScreen

        text = await self.app.push_screen_wait(TemplatePickerScreen(templates, contact_context(contact), name))
        if text:
            self.show_thread_pane()
            self.thread_pane.insert_text(text)
            missing = unfilled(text)
            if missing:
                self.notify(f"Not filled: {', '.join(missing)} (highlighted). Edit before sending.", severity="warning")

    def action_fold_gsm7(self) -> None:
        self.thread_pane.fold_gsm7()

    def action_external_editor(self) -> None:
        if not self.thread_pane.can_reply:
            self.notify("Open a conversation you can reply to first.")
            return
        self.show_thread_pane()
        self.thread_pane.external_editor()
