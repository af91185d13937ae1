import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from chantiers.content import photo_process
from chantiers.models import Phase
from chantiers.services.letters import letter_save
from chantiers.services.phases import phases_create_default


def png_bytes(size=(2400, 1200), color=(30, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def pdf_bytes(*, javascript: bool = False, password: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if javascript:
        action = DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('x');"),
        })  # fmt: skip
        writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def phases(programme_a):
    phases_create_default(programme=programme_a)
    return list(Phase.objects.filter(programme=programme_a).order_by("position"))


@pytest.fixture
def draft(phases, staff_a):
    """A draft letter of the first phase with a photo and a PDF."""
    photo = photo_process(io.BytesIO(png_bytes()))
    return letter_save(
        phase=phases[0], user=staff_a, title="Le chantier est ouvert",
        text="Les travaux ont commencé.\n\nLa grue est montée.",
        photos=[(photo, "La grue au-dessus du terrain")],
        pdf=upload("planning.pdf", pdf_bytes(), "application/pdf"),
    )  # fmt: skip


@pytest.fixture
def now():
    return timezone.now()
