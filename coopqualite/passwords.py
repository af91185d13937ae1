"""Password rules beyond Django's own (settings.AUTH_PASSWORD_VALIDATORS).

- `CommonPasswordValidator`: Django's 20,000 common passwords plus the most common French ones
  (Richelieu, data/README.md), compared lowercased, with and without accents.
- `NamePasswordValidator`: refuses a password made of a name everyone knows — the portal's, the
  user's cooperative or federation — and little else (digits, symbols, a short word), even
  written with capitals, accents or light leetspeak (C00pqu4lit3).
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from pathlib import Path

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

FRENCH_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords-fr.txt.gz"
PORTAL_NAMES = ("Coop qualité",)  # "coopqualite", "coop" and "qualite"
MIN_NAME_LENGTH = 4  # shorter words of a name ("de", "les") are not names to avoid
MIN_OTHER_LETTERS = 5  # letters a password needs besides the names it contains

_LEET = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "€": "e"}
_LEET_I = str.maketrans({**_LEET, "1": "i", "!": "i"})
_LEET_L = str.maketrans({**_LEET, "1": "l", "!": "l"})
_NOT_LETTERS = re.compile(r"[^a-z]+")


def _plain(text: str) -> str:
    """Lowercase, without accents: "Coopqualité" -> "coopqualite"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _letters(text: str) -> str:
    return _NOT_LETTERS.sub("", text)


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list and the French one, in one set; one French message ("trop courant")."""

    def __init__(self):
        super().__init__()  # Django's list
        with gzip.open(FRENCH_PASSWORDS, "rt", encoding="utf-8") as f:
            self.passwords |= {line.strip() for line in f}
        self.passwords |= {_plain(p) for p in self.passwords}

    def validate(self, password: str, user=None) -> None:
        super().validate(password, user)
        if _plain(password.strip()) in self.passwords:
            raise ValidationError(self.get_error_message(), code="password_too_common")


class NamePasswordValidator:
    def validate(self, password: str, user=None) -> None:
        names = self._names(user)
        plain = _plain(password)
        # Digits dropped ("Coopqualite2026"), or read as letters ("C00pqu4l1t3").
        for skeleton in {_letters(plain), _letters(plain.translate(_LEET_I)),
                         _letters(plain.translate(_LEET_L))}:  # fmt: skip
            rest = skeleton
            for name in names:
                rest = rest.replace(name, "")
            if rest != skeleton and len(rest) < MIN_OTHER_LETTERS:
                raise ValidationError(
                    "Ce mot de passe repose sur le nom du portail ou de votre coopérative : "
                    "ajoutez des mots sans rapport avec eux.",
                    code="password_built_on_a_name",
                )

    def get_help_text(self) -> str:
        return (
            "Votre mot de passe ne doit pas reposer sur le nom du portail ou de votre "
            "coopérative, même avec des chiffres."
        )

    @staticmethod
    def _names(user) -> list[str]:
        """The names to avoid, normalised, longest first (a name before its own words)."""
        texts = list(PORTAL_NAMES)
        for tenant in (getattr(user, "cooperative", None), getattr(user, "federation", None)):
            if tenant is not None:
                texts.append(tenant.name)
                texts.append(getattr(tenant, "slug", ""))
        names = set()
        for text in texts:
            plain = _plain(text)
            names.add(_letters(plain))
            names.update(_letters(word) for word in re.split(r"[\s'’\-_.]+", plain))
        return sorted((n for n in names if len(n) >= MIN_NAME_LENGTH), key=len, reverse=True)
