"""A large demo attachment: a "scanned" warranty of about 2.5 MB, so downloads take visible time.

A valid one-page PDF whose content stream repeats the same drawing (a scanner's noise, roughly):
built by repeating bytes, it takes about a millisecond, and the same bytes serve every simulator.
"""

from __future__ import annotations

from functools import cache

SCAN_FILENAME = "warranty-scan.pdf"
SCAN_BYTES = 2_500_000

_LINE = b"0.55 g 56 %d 500 7 re f 0.85 g 56 %d 430 3 re f\n"


def _content(size: int) -> bytes:
    block = b"q\n" + b"".join(_LINE % (760 - 12 * row, 756 - 12 * row) for row in range(60)) + b"Q\n"
    return block * (size // len(block) + 1)


@cache
def warranty_scan_pdf(size: int = SCAN_BYTES) -> bytes:
    """A PDF of at least `size` bytes (cached: the demo data asks for it at every start)."""
    content = _content(size)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
