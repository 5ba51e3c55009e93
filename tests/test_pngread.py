"""The PNG reader the end-to-end test relies on: every filter type round-trips."""

import struct
import zlib

import pytest

from .pngread import read_png


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def _filter(kind, row, prev, bpp):
    out = bytearray()
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        predictor = (0, a, b, (a + b) >> 1, _paeth(a, b, c))[kind]
        out.append((x - predictor) & 0xFF)
    return bytes(out)


def _png(width, height, channels, rows, kinds):
    colour = {3: 2, 4: 6}[channels]
    raw, prev = b"", bytes(width * channels)
    for row, kind in zip(rows, kinds):
        raw += bytes([kind]) + _filter(kind, row, prev, channels)
        prev = row

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("channels", [3, 4])
def test_every_filter_round_trips(channels):
    width, height = 7, 10
    rows = [bytes((x * 37 + y * 101 + c * 53 + x * y) % 256 for x in range(width) for c in range(channels)) for y in range(height)]
    kinds = [0, 1, 2, 3, 4, 4, 3, 2, 1, 0]
    image = read_png(_png(width, height, channels, rows, kinds))
    assert (image.width, image.height, image.channels) == (width, height, channels)
    assert image.rows == rows
    assert image.pixel(3, 5) == tuple(rows[5][3 * channels:4 * channels])


def test_rejects_what_it_cannot_read():
    with pytest.raises(ValueError, match="not a PNG"):
        read_png(b"GIF89a")
