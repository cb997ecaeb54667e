"""What the tests share: waiting, builders, a host app, the inbox page object, the hostile corpus, ptys.

Each module is imported on its own (`from tests.support.inbox import Inbox`); nothing is imported
here, so a test that needs only `waiting` does not pull in Textual or the app.
"""
