"""Rules that hold for every response and every request, stated once.

Caching (`NoStoreMiddleware`): every response is ``Cache-Control: private, no-store`` — no
browser, proxy or shared computer keeps a copy of a page or file with personal data — unless
the view set its own Cache-Control, or the view is marked ``@cacheable`` (a page without
personal data: the public landing and transparency pages) and the visitor is not signed in.
Static files are answered by whitenoise before this middleware and keep their long cache.

Request size (`RequestSizeLimitMiddleware`): a body larger than ``REQUEST_MAX_BODY_SIZE`` (the
largest legitimate upload plus the form around it) is refused with a French 413 page before a
byte of it is read, when its Content-Length says so; `SizeLimitUploadHandler` stops the
multipart parser once the bytes actually received pass the limit, whatever the declared length
said. Under WSGI a body without Content-Length (chunked) is never read by Django at all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control


def cacheable(view: Callable) -> Callable:
    """Mark a view whose page holds no personal data: caches may keep it for anonymous
    visitors (a signed-in user's page is never stored)."""
    view.cacheable = True  # type: ignore[attr-defined]  # a mark on the function
    return view


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        if getattr(request, "_cacheable_view", False):
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                return response
        patch_cache_control(response, private=True, no_store=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request._cacheable_view = getattr(view_func, "cacheable", False)


def request_too_large(request: HttpRequest) -> HttpResponse:
    context = {
        "limit_mb": settings.REQUEST_MAX_BODY_SIZE // (1024 * 1024),
        "evidence_mb": settings.EVIDENCE_MAX_UPLOAD_MB,
    }
    return render(request, "413.html", context, status=413)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads no body then


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _declared_length(request) > settings.REQUEST_MAX_BODY_SIZE:
            return request_too_large(request)
        if request.method == "POST" and request.content_type == "multipart/form-data":
            # Parse now, through SizeLimitUploadHandler, so that no view sees a cut upload.
            request.FILES  # noqa: B018
            if getattr(request, "_upload_too_large", False):
                return request_too_large(request)
        return self.get_response(request)


class SizeLimitUploadHandler(FileUploadHandler):
    """First upload handler: counts the file bytes really received and stops the parser once
    they pass the limit (the temporary files written so far are closed and deleted)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.REQUEST_MAX_BODY_SIZE:
            self.request._upload_too_large = True  # type: ignore[union-attr]  # read above
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
