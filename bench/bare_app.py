"""The floor for first paint: a minimal Textual app (header, a 10-item list, footer)."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Label, ListItem, ListView


class BareApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield ListView(*(ListItem(Label(f"Item number {n}")) for n in range(1, 11)))
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
