"""The Textual app. Renders state and turns keys into commands; no HTTP or SQL here."""
