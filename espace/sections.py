"""The sections of the buyer's space, in the order of its navigation. A feature that adds a
section to the space (the after-sales claims, for example) adds one line here."""

from __future__ import annotations

from dataclasses import dataclass


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
