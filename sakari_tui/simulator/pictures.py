"""Pictures customers send: a damaged parcel, a receipt, an error dialog, drawn in flat colours.

Drawn with a few rectangles in pure Python (no Pillow: the simulator should start fast) at 160×120,
so they stay recognisable when shown as half-block art in about 40×20 cells, and compress to a few KB.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .files import encode_png, store_file

if TYPE_CHECKING:
    from .state import SimulatorState

WIDTH, HEIGHT = 160, 120
RGB = tuple[int, int, int]


class _Canvas:
    """RGB rows to paint on; coordinates are pixels, spans half-open, anything off the canvas is clipped."""

    def __init__(self, background: RGB) -> None:
        self.rows = [bytearray(bytes(background) * WIDTH) for _ in range(HEIGHT)]

    def span(self, y: int, x0: int, x1: int, rgb: RGB) -> None:
        x0, x1 = max(0, x0), min(WIDTH, x1)
        if 0 <= y < HEIGHT and x0 < x1:
            self.rows[y][3 * x0 : 3 * x1] = bytes(rgb) * (x1 - x0)

    def rect(self, x0: int, y0: int, x1: int, y1: int, rgb: RGB) -> None:
        for y in range(y0, y1):
            self.span(y, x0, x1, rgb)

    def shape(self, y0: int, y1: int, left: Callable[[int], float], right: Callable[[int], float], rgb: RGB) -> None:
        """Fill each row y of [y0, y1) from left(y) to right(y): triangles, slanted faces, discs."""
        for y in range(y0, y1):
            self.span(y, round(left(y)), round(right(y)), rgb)

    def png(self) -> bytes:
        return encode_png(WIDTH, HEIGHT, self.rows)


def _parcel() -> bytes:
    """A brown box on a grey floor, tape over the top and down the front, a label, a crushed corner."""
    canvas = _Canvas((204, 204, 198))
    canvas.rect(26, 100, 140, 108, (160, 160, 152))  # shadow on the floor
    front, side, top, tape, tape_side = (166, 116, 72), (124, 84, 50), (192, 142, 94), (226, 200, 146), (184, 160, 112)
    depth_x, depth_y = 24, 14
    canvas.rect(30, 40, 110, 102, front)
    # The top face, then the side face, slanting back by (depth_x, -depth_y).
    canvas.shape(26, 40, lambda y: 30 + depth_x * (40 - y) / depth_y, lambda y: 110 + depth_x * (40 - y) / depth_y, top)
    for x in range(110, 110 + depth_x):
        lift = round(depth_y * (x - 110) / depth_x)
        for y in range(40 - lift, 102 - lift):
            canvas.span(y, x, x + 1, side)
    canvas.rect(64, 40, 76, 102, tape)  # tape down the front...
    canvas.shape(26, 40, lambda y: 64 + depth_x * (40 - y) / depth_y, lambda y: 76 + depth_x * (40 - y) / depth_y, tape)
    canvas.rect(30, 38, 110, 41, tape_side)  # ...and along the lid's edge
    canvas.rect(84, 72, 106, 94, (246, 246, 240))  # shipping label with a barcode
    for x in range(87, 103, 3):
        canvas.rect(x, 76, x + 2, 86, (40, 40, 40))
    canvas.rect(87, 88, 103, 90, (120, 120, 120))

    # The damaged corner, front top left: torn away (the floor shows), a crumpled dark band, pale torn edges.
    def edge(y: int) -> float:
        return 30 + (56 - y) * 0.9

    canvas.shape(30, 56, lambda y: edge(y) - 1, lambda y: edge(y) + 10, (92, 60, 34))
    canvas.shape(24, 56, lambda y: 0, edge, (204, 204, 198))
    canvas.shape(30, 56, edge, lambda y: edge(y) + 2 + (y % 3), (232, 204, 150))
    for y in (44, 50):
        canvas.rect(round(edge(y)) + 4, y, round(edge(y)) + 12, y + 1, (60, 38, 20))
    return canvas.png()


def _receipt() -> bytes:
    """A white till receipt on a dark wooden table: shop name, item lines with prices, a bold total."""
    canvas = _Canvas((96, 66, 44))
    for y in range(0, HEIGHT, 9):  # wood grain
        canvas.rect(0, y, WIDTH, y + 1, (84, 57, 38))
    paper, grey, ink = (250, 250, 246), (150, 150, 150), (34, 34, 34)
    canvas.rect(51, 9, 115, 112, (58, 40, 26))  # shadow
    canvas.rect(48, 6, 112, 108, paper)
    for x in range(48, 112, 8):  # torn bottom edge
        canvas.shape(108, 112, lambda y, x=x: x + (y - 108), lambda y, x=x: x + 8 - (y - 108), paper)
    canvas.rect(62, 12, 98, 18, ink)  # shop name
    canvas.rect(68, 20, 92, 22, grey)
    for index, length in enumerate((22, 30, 18, 26, 24, 16, 28)):
        y = 30 + index * 7
        canvas.rect(54, y, 54 + length, y + 3, grey)
        canvas.rect(94, y, 106, y + 3, grey)
    for x in range(54, 106, 4):  # dashed rule
        canvas.rect(x, 82, x + 2, 83, grey)
    canvas.rect(54, 87, 78, 93, ink)  # TOTAL
    canvas.rect(88, 86, 106, 94, ink)
    for x in range(58, 102, 3):  # barcode
        canvas.rect(x, 98, x + (2 if x % 2 else 1), 105, ink)
    return canvas.png()


def _error_dialog() -> bytes:
    """A screenshot of an error dialog: blue desktop, grey window, red title bar, a red (!) and an OK button."""
    canvas = _Canvas((38, 86, 156))
    canvas.rect(0, 110, WIDTH, HEIGHT, (36, 36, 44))  # taskbar
    canvas.rect(4, 112, 16, 118, (90, 140, 220))
    canvas.rect(15, 17, 145, 101, (70, 70, 70))  # window border
    canvas.rect(16, 18, 144, 100, (236, 236, 236))
    canvas.rect(16, 18, 144, 32, (204, 36, 36))  # title bar, its title and the close button
    canvas.rect(22, 23, 64, 27, (255, 235, 235))
    canvas.rect(128, 20, 141, 30, (150, 20, 20))
    for step in range(8):
        canvas.span(21 + step, 130 + step, 132 + step, (255, 255, 255))
        canvas.span(21 + step, 137 - step, 139 - step, (255, 255, 255))
    radius, cx, cy = 11, 38, 58
    canvas.shape(
        cy - radius,
        cy + radius,
        lambda y: cx - (radius**2 - (y - cy + 0.5) ** 2) ** 0.5,
        lambda y: cx + (radius**2 - (y - cy + 0.5) ** 2) ** 0.5,
        (214, 40, 40),
    )
    canvas.rect(cx - 1, cy - 7, cx + 2, cy + 3, (255, 255, 255))  # (!)
    canvas.rect(cx - 1, cy + 5, cx + 2, cy + 8, (255, 255, 255))
    for y, length in ((46, 70), (55, 56), (64, 64)):
        canvas.rect(60, y, 60 + length, y + 4, (60, 60, 60))
    canvas.rect(105, 80, 137, 95, (90, 90, 90))  # OK button
    canvas.rect(106, 81, 136, 94, (214, 214, 214))
    canvas.rect(114, 85, 128, 90, (40, 40, 40))
    return canvas.png()


@dataclass(frozen=True)
class Picture:
    """One kind of picture: its file name and what customers say with it (English; others send it alone)."""

    filename: str
    captions: tuple[str, ...]
    draw: Callable[[], bytes]


PICTURES: dict[str, Picture] = {
    "parcel": Picture("parcel-photo.png", ("This is how it arrived", "The box came like this 😞"), _parcel),
    "receipt": Picture("receipt.png", ("Here's the receipt", "Receipt for the refund attached"), _receipt),
    "error": Picture("error-screenshot.png", ("I get this error", "This pops up when I try to pay"), _error_dialog),
}


@cache
def picture_png(kind: str) -> bytes:
    """The PNG bytes of a picture kind (drawn once per process)."""
    return PICTURES[kind].draw()


def share_picture(state: SimulatorState, kind: str, at: float) -> dict:
    """Host a picture on a shared-file link and return its media item (call under the lock)."""
    picture = PICTURES[kind]
    shared = store_file(state, picture_png(kind), picture.filename, "image/png", at)
    return {"url": shared.path, "type": shared.content_type, "filename": shared.filename, "name": shared.filename}
