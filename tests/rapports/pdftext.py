"""Reading the text of a built PDF as a reader would see it."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

NBSP = "\u00a0"
NNBSP = "\u202f"
_HYPHEN_AT_LINE_END = re.compile(r"-\n")
_BLANKS = re.compile(r"[ \t\r\n]+")
_ANY_SPACE = re.compile(r"[\s\u00a0\u202f]+")


def reader_of(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in reader_of(pdf).pages]


def lines(text: str) -> str:
    """Line breaks and runs of ordinary spaces as one space; no-break spaces are kept."""
    return _BLANKS.sub(" ", _HYPHEN_AT_LINE_END.sub("-", text)).strip()


def flat(text: str) -> str:
    """Every kind of space as one ordinary space, to compare words whatever the typography."""
    return _ANY_SPACE.sub(" ", _HYPHEN_AT_LINE_END.sub("-", text)).strip()
