"""PDF rendering with WeasyPrint, fetching nothing but the project's own static files.

`render_pdf(template, context)`, the one entry point, renders a Django template to a PDF/A-3b
document, tagged for accessibility, and tells its number of pages. The URL fetcher serves files
under STATIC_URL from disk (collected files, or the finders in development) and refuses
everything else: no network, no file:// path, no other scheme, whatever user content may hold.
"""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

BASE_URL = "https://coopqualite.invalid/"  # relative URLs resolve under this fake origin


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that only knows the project's static files."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=[], allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None):
        path = _static_path(url)
        if path is None:
            self.refused.append(url)
            log.warning("PDF: ressource refusée (%s)", urlsplit(url).scheme or "relative")
            raise ValueError(f"Ressource refusée dans un PDF : {url[:80]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def _static_path(url: str) -> Path | None:
    if not url.startswith(BASE_URL):
        return None
    path = urlsplit(url).path
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if not path.startswith(prefix):
        return None
    name = unquote(path[len(prefix) :])
    if ".." in Path(name).parts:
        return None
    candidates = []
    try:
        candidates.append(Path(staticfiles_storage.path(name)))
    except NotImplementedError:  # storages without local paths
        pass
    except SuspiciousFileOperation:  # an encoded path that leaves the static folder
        return None
    found = finders.find(name)
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


PDF_OPTIONS = {"pdf_variant": "pdf/a-3b", "pdf_tags": True}


@dataclass(frozen=True)
class Pdf:
    content: bytes
    pages: int


def render_pdf(template: str, context: dict, *, fetcher: StaticOnlyFetcher | None = None) -> Pdf:
    """The PDF/A-3b (tagged) of a Django template, and its number of pages."""
    html = render_to_string(template, context)
    fetcher = fetcher or StaticOnlyFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(**PDF_OPTIONS)
    return Pdf(content=document.write_pdf(**PDF_OPTIONS), pages=len(document.pages))
