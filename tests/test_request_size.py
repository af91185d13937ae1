"""An oversized request is refused with a French 413 page before its body is read or stored.

The limit is the largest legitimate upload (an evidence file, 20 MB by default) plus 1 MB for
the form around it: 21 MB.
"""

import io
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from coopqualite.middleware import RequestSizeLimitMiddleware
from engagements.models import Evidence
from tests.engagements.factories import ActionFactory

MB = 1024 * 1024
TOO_LARGE = "Envoi trop volumineux"


def stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def evidence_form(size: int) -> dict:
    content = b"%PDF-1.4\n" + b"0" * (size - 9)
    return {
        "kind": "file", "title": "Plan", "fact_date": "2026-02-01",
        "file": SimpleUploadedFile("plan.pdf", content, content_type="application/pdf"),
    }  # fmt: skip


def never_called(request):
    raise AssertionError("the view was reached")


@pytest.fixture
def action_a(coop_a):
    return ActionFactory(cooperative=coop_a, title="Visite cloisons")


def test_a_25_mb_evidence_upload_is_refused_with_a_french_413_and_nothing_is_stored(
    client, staff_a, action_a
):
    client.force_login(staff_a)
    url = reverse("evidence_new", args=["action", action_a.pk])

    response = client.post(url, evidence_form(25 * MB))

    assert response.status_code == 413
    page = response.content.decode()
    assert TOO_LARGE in page
    assert "dépasse 21&nbsp;Mo" in page
    assert "20&nbsp;Mo au plus" in page
    assert response["Cache-Control"] == "private, no-store"
    assert not Evidence.objects.exists()
    assert stored_files() == []


def test_a_file_just_over_20_mb_still_reaches_the_form_and_its_french_error(
    client, staff_a, action_a
):
    client.force_login(staff_a)

    response = client.post(
        reverse("evidence_new", args=["action", action_a.pk]), evidence_form(20 * MB + 512 * 1024)
    )

    assert response.status_code == 200
    assert "la limite est de 20 Mo." in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_oversized_body_is_not_read_at_all(rf, db):
    body = encode_multipart(BOUNDARY, evidence_form(25 * MB))
    request = rf.generic("POST", "/preuves/", body, content_type=MULTIPART_CONTENT)

    response = RequestSizeLimitMiddleware(never_called)(request)

    assert response.status_code == 413
    assert request.META["wsgi.input"].read_started is False


def test_a_real_server_answers_413_before_the_body_is_sent(live_server):
    """60 MB announced, 1 MB sent: the answer comes without waiting for the rest."""
    url = urlsplit(live_server.url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as conn:
        conn.sendall(
            b"POST /preuves/action/1/nouvelle/ HTTP/1.1\r\n"
            + f"Host: {url.netloc}\r\n".encode()
            + f"Content-Type: {MULTIPART_CONTENT}\r\n".encode()
            + f"Content-Length: {60 * MB}\r\n\r\n".encode()
        )
        conn.sendall(f"--{BOUNDARY}\r\n".encode() + b"x" * MB)
        status_line = conn.recv(4096).split(b"\r\n", 1)[0]

    assert status_line == b"HTTP/1.1 413 Request Entity Too Large"


def test_a_chunked_upload_without_content_length_is_not_read_and_stores_nothing(
    live_server, client, staff_a, action_a
):
    """Django reads no body without a Content-Length: the answer (here the CSRF refusal, the
    form's token being unread) comes before the body is sent."""
    client.force_login(staff_a)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    url = urlsplit(live_server.url)
    path = reverse("evidence_new", args=["action", action_a.pk])
    with socket.create_connection((url.hostname, url.port), timeout=10) as conn:
        conn.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\n".encode()
            + f"Cookie: {settings.SESSION_COOKIE_NAME}={session}\r\n".encode()
            + f"Content-Type: {MULTIPART_CONTENT}\r\n".encode()
            + b"Transfer-Encoding: chunked\r\n\r\n"
        )
        conn.sendall(f"{MB:x}\r\n".encode() + b"x" * MB + b"\r\n")
        status_line = conn.recv(4096).split(b"\r\n", 1)[0]

    assert status_line == b"HTTP/1.1 403 Forbidden"
    assert not Evidence.objects.exists()
    assert stored_files() == []


def test_a_body_longer_than_its_declared_length_is_stopped_once_it_passes_the_limit(db):
    """A server that hands Django the whole stream (ASGI): the upload handler counts the bytes
    really received and stops at the limit, whatever Content-Length said."""
    body = io.BytesIO(encode_multipart(BOUNDARY, evidence_form(25 * MB)))
    scope = {
        "type": "http", "method": "POST", "path": "/preuves/", "query_string": b"",
        "headers": [
            (b"content-type", MULTIPART_CONTENT.encode()), (b"content-length", b"1000000"),
        ],
    }  # fmt: skip
    request = ASGIRequest(scope, body)
    reached = []

    def view(request):
        reached.append(request)
        return HttpResponse()

    response = RequestSizeLimitMiddleware(view)(request)

    assert response.status_code == 413
    assert reached == []
    assert body.tell() < 22 * MB  # read up to the 21 MB limit, not the 25 MB sent
