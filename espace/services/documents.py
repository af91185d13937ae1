"""Sharing a document with a buyer: stored privately under a random name, with its row or not
at all. The upload was checked (size, sniffed type) by the form."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from cooperatives.models import Buyer, User
from coopqualite.storage import private_storage
from espace.models import SharedDocument


def document_share(
    *, buyer: Buyer, user: User, title: str, upload: UploadedFile, content_type: str,
    now: dt.datetime,
) -> SharedDocument:  # fmt: skip
    document = SharedDocument(
        buyer=buyer, title=title, original_name=(upload.name or "document")[:255],
        content_type=content_type, size=upload.size or 0, shared_by=user, shared_at=now,
    )  # fmt: skip
    document.file.save(secrets.token_hex(16), upload, save=False)
    try:
        with transaction.atomic():
            document.save()
    except BaseException:
        private_storage.delete(document.file.name)
        raise
    return document


def document_unshare(*, document: SharedDocument) -> None:
    name = document.file.name
    document.delete()
    private_storage.delete(name)
