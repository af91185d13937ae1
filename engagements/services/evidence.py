"""Adding evidence: files are stored privately, under a random name, with the row or not at all."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from cooperatives.models import User
from coopqualite.storage import private_storage
from engagements.models import Action, Commitment, Evidence, Measurement


def evidence_add(
    *,
    target: Action | Measurement | Commitment,
    user: User,
    kind: str,
    title: str,
    fact_date: dt.date,
    note: str = "",
    url: str = "",
    upload: UploadedFile | None = None,
    content_type: str = "",
) -> Evidence:
    """Attach a proof to an action, a measurement or a commitment of the user's cooperative.

    The upload must have been checked (size, sniffed content type) by the form.
    """
    if user.cooperative_id is None:
        raise ValueError("only a member of a cooperative adds evidence")
    evidence = Evidence(
        cooperative_id=user.cooperative_id,
        kind=kind,
        title=title,
        fact_date=fact_date,
        note=note if kind != Evidence.Kind.FILE or note else "",
        url=url if kind == Evidence.Kind.LINK else "",
        added_by=user,
        **{_target_field(target): target},
    )
    if kind == Evidence.Kind.FILE:
        if upload is None:
            raise ValueError("a file proof needs its upload")
        evidence.storage_key = secrets.token_hex(16)
        evidence.original_name = (upload.name or "")[:255]
        evidence.content_type = content_type
        evidence.size = upload.size
        evidence.file.save(evidence.storage_key, upload, save=False)
    try:
        with transaction.atomic():
            evidence.save()
    except BaseException:
        if evidence.file:
            private_storage.delete(evidence.file.name)
        raise
    return evidence


def _target_field(target: Action | Measurement | Commitment) -> str:
    if isinstance(target, Action):
        return "action"
    if isinstance(target, Measurement):
        return "measurement"
    if isinstance(target, Commitment):
        return "commitment"
    raise TypeError(f"evidence cannot be attached to {type(target).__name__}")
