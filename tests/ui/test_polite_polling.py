"""The app tells the poller when the terminal gains or loses focus and when a key or the mouse is
used: slower polling while nobody is there, the normal pace back at once."""

from textual import events


async def test_blur_slows_polling_and_focus_brings_it_back(build_app):
    app = await build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        cadence = app.poller.cadence
        assert cadence.list_interval() == app.settings.sync.poll_interval
        app.post_message(events.AppBlur())
        await pilot.pause()
        assert not cadence.focused
        assert cadence.list_interval() == app.settings.sync.unfocused_poll_interval
        assert cadence.thread_interval_now() == app.settings.sync.unfocused_poll_interval
        app.post_message(events.AppFocus())
        await pilot.pause()
        assert cadence.focused and cadence.list_interval() == app.settings.sync.poll_interval


async def test_a_key_after_idle_minutes_brings_the_normal_pace_back(build_app):
    app = await build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        cadence = app.poller.cadence
        cadence.last_input -= cadence.idle_after + 1  # nobody touched it for five minutes
        assert cadence.list_interval() == app.settings.sync.idle_poll_interval
        await pilot.press("j")
        assert not cadence.idle() and cadence.list_interval() == app.settings.sync.poll_interval
        assert app.poller._wake.is_set()  # the loops look again now


async def test_a_key_while_blurred_counts_as_focus(build_app):
    app = await build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.post_message(events.AppBlur())
        await pilot.pause()
        await pilot.press("j")  # Textual takes a key as the window being focused again
        assert app.poller.cadence.focused
