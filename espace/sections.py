"""The sections of the buyer's space, in the order of its navigation. A feature that adds a
section to the space (the after-sales claims, for example) adds one line here.

Their URLs and the sign-out's are reversed once per process (per script prefix and URL
configuration), not on every page: the navigation is on every page of the space, and reversing
its links was a sixth of rendering the home page (bench/buyer_space.py)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class Section:
    key: str  # the page marks its own section as current
    label: str
    url_name: str


SECTIONS: list[Section] = [
    Section("home", "Accueil", "espace_home"),
    Section("letters", "Lettres du chantier", "espace_letters"),
    Section("documents", "Documents", "espace_documents"),
    Section("claims", "Service après-vente", "espace_claims"),
]


@functools.cache
def _navigation(prefix: str, urlconf: str | None) -> dict[str, Any]:
    links = tuple(
        {"key": s.key, "label": s.label, "url": reverse(s.url_name, urlconf=urlconf)}
        for s in SECTIONS
    )
    urls = {s.url_name: link["url"] for s, link in zip(SECTIONS, links, strict=True)}
    urls["espace_signout"] = reverse("espace_signout", urlconf=urlconf)
    return {"links": links, "urls": urls}


def navigation() -> dict[str, Any]:
    """The space's navigation for the current request's script prefix: `links`, the sections
    in order (key, label, url), and `urls` by URL name (the sections' and "espace_signout").
    Plain dicts: a template reads a key faster than an attribute."""
    return _navigation(get_script_prefix(), get_urlconf())
