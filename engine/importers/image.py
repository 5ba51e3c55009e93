"""Scanned pages saved as images (.png, .jpg, .tif, .bmp): OCR through Tesseract (`ocr.py`)."""

from __future__ import annotations

from .grid import Format


SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")


def sniff(head: bytes, suffix: str) -> bool:
    return head.startswith(SIGNATURES) or suffix in SUFFIXES


def read_image(name: str, raw: bytes):
    from .ocr import read_image as ocr

    return ocr(name, raw)


FORMAT = Format(kind="image", label="图片（OCR）", suffixes=SUFFIXES, sniff=sniff, read=read_image)
