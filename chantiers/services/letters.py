"""Writing a letter: its text sanitized, its photos and PDF stored privately under random
names, all with the row or not at all. A published letter does not change."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from chantiers.content import Photo, clean_html
from chantiers.models import Letter, LetterPhoto, Phase
from cooperatives.models import User
from coopqualite.storage import private_storage


class LetterPublished(Exception):
    """A published letter is what buyers received: it is not changed."""


def letter_save(
    *,
    letter: Letter | None = None,
    phase: Phase,
    user: User,
    title: str,
    text: str,
    photos: Sequence[tuple[Photo, str]] = (),
    pdf: UploadedFile | None = None,
    remove_pdf: bool = False,
) -> Letter:
    """Create or change a draft letter; photos are added after the existing ones."""
    if letter is None:
        letter = Letter(phase=phase, created_by=user)
    elif letter.is_published:
        raise LetterPublished
    letter.title = title
    letter.body_html = clean_html(text)
    written: list[str] = []
    old_pdf = letter.pdf.name if (pdf is not None or remove_pdf) and letter.pdf else ""
    try:
        with transaction.atomic():
            if pdf is not None:
                letter.pdf.save(f"{secrets.token_hex(16)}.pdf", pdf, save=False)
                written.append(letter.pdf.name)
                letter.pdf_name = (pdf.name or "document.pdf")[:255]
            elif remove_pdf:
                letter.pdf, letter.pdf_name = None, ""
            letter.save()
            start = letter.photos.count() + 1
            for offset, (photo, alt) in enumerate(photos):
                row = LetterPhoto(
                    letter=letter, position=start + offset, width=photo.width,
                    height=photo.height, alt=alt,
                )  # fmt: skip
                row.image.save(
                    f"{secrets.token_hex(16)}.jpg", ContentFile(photo.content), save=False
                )
                written.append(row.image.name)
                row.save()
    except BaseException:
        for name in written:
            private_storage.delete(name)
        raise
    if old_pdf:
        private_storage.delete(old_pdf)
    return letter


def letter_photo_delete(*, photo: LetterPhoto) -> None:
    if photo.letter.is_published:
        raise LetterPublished
    name = photo.image.name
    photo.delete()
    private_storage.delete(name)
