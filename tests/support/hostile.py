"""A corpus of hostile strings: what a customer, a contact record or an API error could contain.

Every entry is something that, drawn raw, would act on the app (Textual/Rich markup, actions,
links), on the terminal (escape and control sequences) or on the reader (bidi tricks), or that
stresses layout (huge words, zalgo, emoji sequences, right-to-left scripts). The rendering tests
push each of them through every place the app draws untrusted text.

`TERMINAL_FORBIDDEN` lists byte patterns that must never reach the terminal: they would only be
there if a payload's escape sequence passed through raw (`screen.assert_screen_safe` checks a
running app against them).
"""

from __future__ import annotations

import re

EVIL_URL = "https://evil.test"
MEDIA_HOST = "https://media.example"  # the only links a screen may hold: media the corpus sent
CLIPBOARD_B64 = "ZXZpbA=="  # base64("evil")
TITLE_TEXT = "PWNED-TITLE"

HOSTILE: dict[str, str] = {
    # --- Textual / Rich markup and actions ---------------------------------------------------
    "markup_bold": "[bold]x[/bold]",
    "markup_close_all": "[/]",
    "markup_click_quit": "[@click=app.quit]quit[/]",
    "markup_click_bell": "[@click=app.bell]ring[/] [@click=screen.dismiss('x')]dismiss[/]",
    "markup_link": f"[link={EVIL_URL}/markup]click me[/link]",
    "markup_on_red": "[on red]red alert",
    "markup_variable": "[$accent]accent[/] $accent [$error on $success]x[/] $text-muted",
    "markup_unbalanced": "[/bold] [/italic] [b]open only",
    "markup_nested": "[b][i][u][reverse]deep[/reverse][/u][/i][/b]",
    "markup_escaped": "\\[not a tag] trailing backslash \\",
    "markup_bracket_storm": "[" * 300 + "]" * 300,
    "rich_emoji_codes": ":smile: :warning: :cross_mark:",
    # --- terminal escape sequences -----------------------------------------------------------
    "osc52_bel": f"\x1b]52;c;{CLIPBOARD_B64}\x07",
    "osc52_st": "copy \x1b]52;p;cm0gLXJmIH4=\x1b\\ done",
    "osc8_link": f"\x1b]8;;{EVIL_URL}/osc8\x1b\\innocent\x1b]8;;\x1b\\",
    "osc0_title": f"\x1b]0;{TITLE_TEXT}-0\x07",
    "osc2_title": f"\x1b]2;{TITLE_TEXT}-2\x1b\\",
    "csi_clear": "before\x1b[2J\x1b[Hafter",
    "csi_cursor": "\x1b[10;10Hmoved\x1b[5A\x1b[3D\x1b[s\x1b[u\x1b7\x1b8",
    "csi_sgr": "\x1b[31;1;5;7mblinking red\x1b[0m normal",
    "csi_modes": "\x1b[?1049l\x1b[?25l\x1b[?1000h\x1b[?2004l",
    "csi_reports": "\x1b[6n\x1b[c\x1b[21t\x1b[>q",
    "esc_reset": "\x1bc\x1b(0lqqk\x1b(B",
    "dcs_apc_pm": "\x1bP+q544e\x1b\\ \x1b_Gf=100;AAAA\x1b\\ \x1b^pm\x1b\\ \x1bPq#0;2;0;0;0#0~~\x1b\\",
    "c1_csi": "\x9b2J\x9b31mred\x9b0m",
    "c1_osc": f"\x9d0;{TITLE_TEXT}-C1\x9c \x9d52;c;{CLIPBOARD_B64}\x07",
    "c1_all": "c1:" + "".join(chr(c) for c in range(0x80, 0xA0)) + ":end",
    # --- C0 controls -------------------------------------------------------------------------
    "nul": "nul\x00byte\x00",
    "bel": "bell\x07\x07\x07",
    "backspace": "secret\x08\x08\x08\x08\x08\x08public",
    "del": "del\x7fete",
    "lone_cr": "visible text\rOVERWRITE",
    "crlf": "line one\r\nline two\r\n",
    "vt_ff": "vertical\x0btab\x0cform feed",
    "c0_all": "c0:" + "".join(chr(c) for c in range(0x20)) + ":end",
    "tab": "col1\tcol2\t\tcol3",
    "separators": "nel\x85ls\u2028ps\u2029end",
    # --- bidi and invisible characters -------------------------------------------------------
    "bidi_rlo": "invoice\u202egpj.exe",
    "bidi_embeddings": "\u202aLRE\u202bRLE\u202cPDF\u202dLRO\u202eRLO\u202c",
    "bidi_isolates": "\u2066LRI\u2067RLI\u2068FSI\u2069PDI",
    "zero_width": "zero\u200bwidth\u200cnon\u200djoiner\u2060word\ufeffbom",
    # --- layout stress -----------------------------------------------------------------------
    "long_word": "W" * 5000,
    "zalgo": "Z" + "\u0336\u0337\u0338\u0301\u0327\u0345" * 60 + "algo" + "\u0310\u0352" * 40,
    "emoji_skin_tones": "👍🏽 👋🏿 🤝🏻 🧑🏾‍🦱",
    "emoji_zwj_family": "👨‍👩‍👧‍👦 👩🏽‍💻 🏳️‍🌈 ❤️‍🔥",
    "flags": "🇫🇮 🇺🇸 🇯🇵 🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    "arabic": "مرحبا، هل طلبي جاهز؟",
    "hebrew": "שלום, ההזמנה שלי מוכנה?",
    "mixed_rtl_numbers": "order 123 طلب ٤٥٦ הזמנה 789",
    "cjk": "你好世界 こんにちは 안녕하세요 ｆｕｌｌｗｉｄｔｈ",
    "astral": "𝕳𝖊𝖑𝖑𝖔 𓀀 🀄 𝄞 𐍈",
    "long_multiline": "\n".join(f"line {i}: " + "lorem ipsum dolor " * 8 for i in range(150)),
    # --- things that look like code or templates ---------------------------------------------
    "format_braces": "{0} {1!r} {name} {self.__class__} {{literal}}",
    "percent_format": "%s %d %(name)s %n %%",
    "handlebars": "Hi {{firstName}} {{{lastName}}} {{ contact.email }} {{#if x}}",
    "sql": "'); DROP TABLE messages;-- \" OR 1=1",
    "lookalike_url": f"see {EVIL_URL}/plain and [{EVIL_URL}]({EVIL_URL})",
    "whitespace_only": " \t \n ",
    "backslashes": "C:\\Users\\x\\n \\x1b[2J \\033]52;c;",
}

# Escape sequences as bytes that may appear only if a payload passed through raw. Textual writes
# its own SGR colours, cursor moves and clear-screen, so generic `\x1b[2J` cannot be used; these
# are specific to the payloads (Textual never sets a title, and writes OSC 52 only on a copy).
TERMINAL_FORBIDDEN: dict[str, re.Pattern[bytes]] = {
    "OSC 52 clipboard write": re.compile(rb"\x1b\]52;"),
    "OSC 8 link to the payload URL": re.compile(rb"\x1b\]8;[^\x07\x1b]*evil\.test"),
    "OSC 0/2 window title": re.compile(rb"\x1b\][012];"),
    # Any OSC but Textual's own OSC 8 links (whose sanitised URL may quote the payload as text).
    "payload title text in an OSC": re.compile(rb"\x1b\](?!8;)[^\x07\x1b]*" + TITLE_TEXT.encode()),
    "C1 CSI/OSC/DCS/ST (UTF-8 encoded)": re.compile(rb"\xc2[\x80-\x9f]"),
    "clear screen right after payload text": re.compile(rb"before\x1b\[2J"),
    "cursor jump from payload": re.compile(rb"\x1b\[10;10Hmoved"),
    "blinking SGR from payload": re.compile(rb"\x1b\[31;1;5;7m"),
    "terminal report request": re.compile(rb"\x1b\[6n|\x1b\[21t|\x1b\[>q"),
    "full reset (RIS)": re.compile(rb"\x1bc"),
    "DCS/APC/PM string": re.compile(rb"\x1b[P_^]"),
    "alternate-screen exit from payload": re.compile(rb"\x1b\[\?1049l\x1b\[\?25l\x1b\[\?1000h"),
    "NUL byte": re.compile(rb"\x00"),
    "DEL byte": re.compile(rb"\x7f"),
    "bidi override or isolate (UTF-8)": re.compile(rb"\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"),
}

# Nothing drawn on screen may contain these: every C0 control (newline and tab included: a cell
# holds neither), DEL, C1, bidi embedding/override/isolate controls and lone surrogates.
SCREEN_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

# Payloads whose literal markup must show on screen exactly as written (after sanitising).
MARKUP_LITERALS = (
    "[bold]x[/bold]",
    "[/]",
    "[@click=app.quit]quit[/]",
    f"[link={EVIL_URL}/markup]",
    "[on red]",
    "[$accent]",
    "$accent",
)
