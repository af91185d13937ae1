"""Sign-in requests, sign-in links (each one e-mail of the outbox) and buyer sessions.

Secrets are never stored: a link's token and a session's key are kept as their SHA-256 hash.
A link's token is derived from a random salt of the row and the project's SECRET_KEY
(`SignInLink.token`), so the outbox can build its e-mail whenever it sends it, and the
database alone holds nothing that signs anyone in.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac

from cooperatives.models import Buyer, TenantQuerySet
from coopqualite.outbox.models import OutboxMessage, OutboxQuerySet
from coopqualite.storage import private_storage

# A sign-in link is valid this long, once.
SIGNIN_LINK_VALIDITY = dt.timedelta(minutes=30)
# A buyer's session lasts this long on their device, unless they sign out.
SESSION_VALIDITY = dt.timedelta(days=30)


def digest(value: str) -> str:
    """The SHA-256 of a secret or an identifier, in hex: what is stored instead of it."""
    return hashlib.sha256(value.encode()).hexdigest()


def new_salt() -> str:
    return secrets.token_hex(16)


class SignInRequest(models.Model):
    """A request for a sign-in link, kept for the rate limits: the address and the client's IP
    address as keyed digests (no address in clear), whether the address is known or not."""

    email_digest = models.CharField(max_length=64)
    ip_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "demande de lien de connexion"
        indexes = [
            models.Index(fields=["email_digest", "created_at"], name="signin_request_email"),
            models.Index(fields=["ip_digest", "created_at"], name="signin_request_ip"),
        ]

    def __str__(self) -> str:
        return f"demande du {self.created_at:%d/%m/%Y %H:%M}"


class SignInLink(OutboxMessage):
    """A one-time sign-in link to a buyer's space, and the e-mail that carries it (a kind of the
    outbox): valid `SIGNIN_LINK_VALIDITY`, used at most once (`used_at`, conditional update)."""

    cooperative_path = "buyer__lot__programme__cooperative"

    buyer = models.ForeignKey(Buyer, on_delete=models.CASCADE, related_name="+")
    salt = models.CharField(max_length=32, default=new_salt, editable=False)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField("valable jusqu'au")
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta(OutboxMessage.Meta):
        verbose_name = "lien de connexion"
        verbose_name_plural = "liens de connexion"

    @staticmethod
    def token_for(salt: str) -> str:
        """The link's secret: 256 bits from the salt and SECRET_KEY, URL-safe."""
        mac = salted_hmac("espace.signin", salt, algorithm="sha256").digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    @property
    def token(self) -> str:
        return self.token_for(self.salt)


class BuyerSessionQuerySet(TenantQuerySet):
    def active(self, now: dt.datetime) -> BuyerSessionQuerySet:
        return self.filter(expires_at__gt=now)


class BuyerSession(models.Model):
    """A buyer signed in on one device, until sign-out (the row is deleted) or `expires_at`."""

    cooperative_path = "buyer__lot__programme__cooperative"

    buyer = models.ForeignKey(Buyer, on_delete=models.CASCADE, related_name="+")
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    objects = BuyerSessionQuerySet.as_manager()

    class Meta:
        verbose_name = "session d'acquéreur"
        constraints = [
            models.CheckConstraint(
                name="buyer_session_ends_after_it_starts",
                condition=Q(expires_at__gt=models.F("created_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"session {self.pk}"


def get_shared_storage():
    # A callable keeps the machine's path out of the migrations (as chantiers' letters do).
    return private_storage


class SharedDocument(models.Model):
    """A document the cooperative shares with a buyer (a plan, a notice, a report): a private
    file, read in the space by the buyers of the same lot (the household), and by staff."""

    cooperative_path = "buyer__lot__programme__cooperative"

    buyer = models.ForeignKey(
        Buyer, on_delete=models.CASCADE, related_name="+", verbose_name="acquéreur"
    )
    title = models.CharField("titre", max_length=200)
    file = models.FileField(storage=get_shared_storage, upload_to="shared/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    shared_at = models.DateTimeField("partagé le")

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "document partagé"
        verbose_name_plural = "documents partagés"
        ordering = ["-shared_at"]

    def __str__(self) -> str:
        return self.title
