"""A customer's picture rings like a text, and the notification says what came: "📷 photo"."""

from __future__ import annotations

from sakari_tui.api import SakariClient
from sakari_tui.config import NotificationsSection
from sakari_tui.notify.alerts import Alerts
from sakari_tui.notify.notifier import Notifier
from sakari_tui.store import Store
from sakari_tui.sync import InboxEngine


async def test_a_picture_without_text_is_announced_as_a_photo(server):
    client = SakariClient(**server.credentials())
    store = Store(":memory:")
    try:
        engine = InboxEngine(client, store)
        await engine.sync_conversations()
        number = next(iter(server.state.contact_ids_by_mobile))
        server.state.inject_inbound(number, "", picture="parcel")
        changed = await engine.sync_conversations()
        alerts = Alerts(Notifier(NotificationsSection()), store, bell=lambda: None, write_terminal=lambda text: None)
        [event] = alerts.new_texts(changed.new_inbound)
        assert event.text == "📷 photo"
        server.state.inject_inbound(number, "Here's the receipt", picture="receipt")
        changed = await engine.sync_conversations()
        [event] = alerts.new_texts(changed.new_inbound)
        assert event.text == "📷 photo · Here's the receipt"
    finally:
        store.close()
        await client.aclose()
