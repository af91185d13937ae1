"""Serving a letter's photo or PDF: private files, read by views that checked access first."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def private_file_response(
    file: FieldFile, *, content_type: str, filename: str, attachment: bool
) -> FileResponse:
    if not file:
        raise Http404
    response = FileResponse(
        file.open("rb"), as_attachment=attachment, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def photo_response(photo) -> FileResponse:
    return private_file_response(
        photo.image, content_type="image/jpeg", filename=f"photo-{photo.pk}.jpg", attachment=False
    )


def pdf_response(letter) -> FileResponse:
    return private_file_response(
        letter.pdf, content_type="application/pdf", filename=letter.pdf_name, attachment=True
    )
