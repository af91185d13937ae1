"""What an evidence file really is, read from its first bytes, never from its name alone.

A short allow-list (PDF, images, office documents) recognised by signature; office documents are
ZIP containers recognised by the member that names their type. Anything else is refused.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"

EXTENSIONS = {
    PDF: {"pdf"},
    PNG: {"png"},
    JPEG: {"jpg", "jpeg"},
    WEBP: {"webp"},
    DOCX: {"docx"},
    XLSX: {"xlsx"},
    PPTX: {"pptx"},
    ODT: {"odt"},
    ODS: {"ods"},
    ODP: {"odp"},
}
ACCEPTED_LABEL = "PDF, PNG, JPEG, WebP, Word, Excel, PowerPoint, OpenDocument"

_OOXML_MAIN_PARTS = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}
_ODF_TYPES = {ODT, ODS, ODP}


@dataclass(frozen=True)
class Sniffed:
    content_type: str | None
    reason: str = ""


def sniff(stream: IO[bytes], filename: str) -> Sniffed:
    """The content type of an upload if it is accepted and matches its extension."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    content_type = _by_signature(head) or _office_type(stream, head)
    stream.seek(0)
    if content_type is None:
        return Sniffed(
            None, f"Ce type de fichier n'est pas accepté (formats acceptés : {ACCEPTED_LABEL})."
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in EXTENSIONS[content_type]:
        return Sniffed(
            None,
            "Le contenu du fichier ne correspond pas à son extension "
            f"« .{extension} » : renommez-le ou exportez-le à nouveau.",
        )
    return Sniffed(content_type)


def _by_signature(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def _office_type(stream: IO[bytes], head: bytes) -> str | None:
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return declared if declared in _ODF_TYPES else None
            if "[Content_Types].xml" in names:
                for part, content_type in _OOXML_MAIN_PARTS.items():
                    if part in names:
                        return content_type
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None
