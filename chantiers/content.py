"""What a letter may contain, checked once: text in a safe subset of HTML, photos re-encoded,
a PDF that is a plain document.

- Text: what staff type is plain text (a blank line starts a paragraph) or this subset of HTML:
  `ALLOWED_TAGS`, links with `ALLOWED_URL_SCHEMES` only. nh3 (the Ammonia sanitizer) removes
  everything else — scripts, styles, event attributes, images — so the HTML shown in the space
  and in the e-mail holds nothing active.
- Photos: recognised by their first bytes (PNG, JPEG, WebP), opened by Pillow within a pixel
  budget (a decompression bomb is refused), turned upright, shrunk to `PHOTO_MAX_SIDE` pixels a
  side and re-encoded as JPEG without any metadata (no GPS position of a phone).
- PDF: recognised by its first bytes, read by pypdf, refused when encrypted, unreadable, or
  carrying JavaScript, automatic actions or embedded files.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import IO, Any

import nh3
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3"}
ALLOWED_URL_SCHEMES = {"https", "http", "mailto"}
ALLOWED_LABEL = (
    "gras <strong>, italique <em>, listes <ul>/<ol> et <li>, intertitre <h3>, liens <a href>"
)
PHOTO_MAX_SIDE = 1600
PHOTO_MAX_PIXELS = 50_000_000  # a 50-megapixel photo at most, before it is shrunk
PHOTO_MAX_MB = 15
PDF_MAX_MB = 10
_BLOCK = re.compile(r"<\s*(p|ul|ol|h3)\b", re.IGNORECASE)


def clean_html(text: str) -> str:
    """The letter's HTML: plain text made into paragraphs, then only the allowed subset."""
    text = text.replace("\r\n", "\n").strip()
    if not _BLOCK.search(text):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        text = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


@dataclass(frozen=True)
class Photo:
    content: bytes  # JPEG
    width: int
    height: int


def photo_process(stream: IO[bytes]) -> Photo:
    """The photo re-encoded, or a French ValidationError."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    is_image = (
        head.startswith(b"\x89PNG\r\n\x1a\n")
        or head.startswith(b"\xff\xd8\xff")
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    )
    if not is_image:
        raise ValidationError("Une photo doit être une image JPEG, PNG ou WebP.")
    try:
        with Image.open(stream) as image:
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise ValidationError("Cette image est trop grande (plus de 50 mégapixels).")
            image.verify()  # the whole file, whatever ImageFile.LOAD_TRUNCATED_IMAGES says
        stream.seek(0)
        with Image.open(stream) as image:
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError("Cette image est illisible ou endommagée.") from exc
    upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return Photo(out.getvalue(), upright.width, upright.height)


def _has_active_content(reader: PdfReader) -> bool:
    root: Any = reader.trailer["/Root"].get_object()
    if "/OpenAction" in root or "/AA" in root:
        return True
    names: Any = root.get("/Names")
    if names is not None and any(
        key in names.get_object() for key in ("/JavaScript", "/EmbeddedFiles")
    ):
        return True
    return any("/AA" in page for page in reader.pages)


def pdf_check(stream: IO[bytes]) -> None:
    """Nothing when the PDF is a plain document, else a French ValidationError."""
    stream.seek(0)
    if not stream.read(5) == b"%PDF-":
        raise ValidationError("Le document joint doit être un PDF.")
    stream.seek(0)
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            raise ValidationError("Ce PDF est protégé par un mot de passe : joignez-le sans.")
        if len(reader.pages) == 0 or _has_active_content(reader):
            raise ValidationError(
                "Ce PDF contient du code, des actions automatiques ou des fichiers joints : "
                "exportez-le à nouveau en PDF simple."
            )
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise ValidationError("Ce PDF est illisible ou endommagé.") from exc
    finally:
        stream.seek(0)
