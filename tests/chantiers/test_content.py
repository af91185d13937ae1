"""What a letter may contain: safe HTML, photos re-encoded, plain PDFs."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from chantiers.content import clean_html, pdf_check, photo_process
from tests.chantiers.conftest import pdf_bytes, png_bytes


def test_plain_text_becomes_paragraphs_and_line_breaks():
    assert (
        clean_html("Bonjour,\nvoici.\n\nÀ bientôt") == "<p>Bonjour,<br>voici.</p><p>À bientôt</p>"
    )


def test_the_formatting_subset_is_kept():
    text = '<p><strong>Fort</strong> <em>doux</em> <a href="https://exemple.fr">lien</a></p>'

    assert clean_html(text) == (
        "<p><strong>Fort</strong> <em>doux</em> "
        '<a href="https://exemple.fr" rel="noopener noreferrer nofollow">lien</a></p>'
    )


@pytest.mark.parametrize(
    "text",
    [
        "<p>a<script>alert(1)</script></p>",
        '<p onclick="alert(1)">a</p>',
        '<p><a href="javascript:alert(1)">a</a></p>',
        '<p><img src="x" onerror="alert(1)">a</p>',
        '<p style="background:url(x)">a</p>',
        "<p>a<iframe src='https://exemple.fr'></iframe></p>",
    ],
)
def test_anything_active_is_removed(text):
    cleaned = clean_html(text)

    assert "alert" not in cleaned.replace("a</p>", "")
    assert all(
        tag not in cleaned
        for tag in ("<script", "onclick", "javascript:", "<img", "style=", "<iframe")
    )


def test_a_photo_is_shrunk_and_re_encoded_as_jpeg_without_metadata():
    source = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Téléphone"  # Make
    Image.new("RGB", (3200, 2400), (10, 20, 30)).save(source, "JPEG", exif=exif)

    photo = photo_process(io.BytesIO(source.getvalue()))

    assert (photo.width, photo.height) == (1600, 1200)
    with Image.open(io.BytesIO(photo.content)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}


def test_a_photo_taken_sideways_is_turned_upright():
    source = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    Image.new("RGB", (400, 300)).save(source, "JPEG", exif=exif)

    photo = photo_process(io.BytesIO(source.getvalue()))

    assert (photo.width, photo.height) == (300, 400)


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name():
    with pytest.raises(ValidationError, match="JPEG, PNG ou WebP"):
        photo_process(io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"))


def test_a_truncated_image_is_refused():
    with pytest.raises(ValidationError, match="illisible"):
        photo_process(io.BytesIO(png_bytes()[:200]))


def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded():
    source = io.BytesIO()
    Image.new("1", (9000, 6000)).save(source, "PNG")

    with pytest.raises(ValidationError, match="trop grande"):
        photo_process(io.BytesIO(source.getvalue()))


def test_a_plain_pdf_is_accepted():
    pdf_check(io.BytesIO(pdf_bytes()))


def test_a_pdf_with_javascript_is_refused():
    with pytest.raises(ValidationError, match="contient du code"):
        pdf_check(io.BytesIO(pdf_bytes(javascript=True)))


def test_an_encrypted_pdf_is_refused():
    with pytest.raises(ValidationError, match="mot de passe"):
        pdf_check(io.BytesIO(pdf_bytes(password="secret")))


def test_a_file_named_pdf_that_is_not_one_is_refused():
    with pytest.raises(ValidationError, match="doit être un PDF"):
        pdf_check(io.BytesIO(b"MZ\x90\x00 not a pdf"))


def test_a_broken_pdf_is_refused():
    with pytest.raises(ValidationError, match="illisible"):
        pdf_check(io.BytesIO(b"%PDF-1.7\n garbage"))
