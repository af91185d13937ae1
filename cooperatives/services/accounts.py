"""Accounts a cooperative runs itself: invitations, roles, deactivation; cooperatives created by
a federation administrator with their first director.

- **Invitation**: the account is created at once (username = the address, an unusable
  password, active) and an `AccountInvitation` row is written for the outbox, queued when the
  transaction commits: the e-mail never leaves inside the request. Its link is Django's
  password-reset link, built when the e-mail is built (`_build`): it works once (the token
  hashes the password, which the person then chooses) and expires after
  PASSWORD_RESET_TIMEOUT; a new invitation can be sent as long as no password was chosen.
- **Never deleted**: an account is deactivated (it can no longer sign in, its sessions end at
  the next request: Django refuses inactive users), and can be reactivated; the history keeps
  its name.
- **Always a director**: no change (a role, a deactivation, by whomever) may leave a
  cooperative without an active director. The cooperative's active directors are locked
  (`select_for_update`) before they are counted, so two directors demoting each other at the
  same time cannot both win.
- **History**: every change writes an `AccountChange` (who, when, before, after) in its
  transaction.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from cooperatives.models import AccountChange, AccountInvitation, Cooperative, Federation, User
from coopqualite.outbox.kinds import Kind
from coopqualite.outbox.services.dispatch import outbox_enqueue

Action = AccountChange.Action
# The roles a director gives within the cooperative (federation readers are made by operators).
COOPERATIVE_ROLES = (User.Role.STAFF, User.Role.DIRECTOR, User.Role.BOARD)
NO_DIRECTOR_LEFT = "La coopérative doit garder au moins un dirigeant actif."


def _record(
    *,
    user: User,
    actor: User | None,
    action: str,
    now: dt.datetime,
    before: object = "",
    after: object = "",
) -> AccountChange:
    assert user.cooperative_id is not None
    return AccountChange.objects.create(
        cooperative_id=user.cooperative_id, user=user, actor=actor, at=now, action=action,
        before=str(before), after=str(after),
    )  # fmt: skip


def _role_label(role: str) -> str:
    return str(User.Role(role).label)


def _keep_a_director(user: User) -> None:
    """Refuse a change that takes `user` out of the active directors if they are the last one.
    Call inside the transaction of the change, before it."""
    if user.role != User.Role.DIRECTOR or not user.is_active:
        return
    directors = list(
        User.objects.for_cooperative(user.cooperative_id)
        .active_directors()
        .select_for_update()
        .values_list("pk", flat=True)
    )
    if directors == [user.pk]:
        raise ValidationError(NO_DIRECTOR_LEFT)


def _queue_invitation(*, user: User, actor: User | None, now: dt.datetime) -> AccountInvitation:
    invitation = AccountInvitation.objects.create(user=user, invited_by=actor)
    outbox_enqueue(kind=ACCOUNT_INVITATIONS.name, ids=[invitation.pk], now=now)
    return invitation


@transaction.atomic
def user_invite(
    *,
    cooperative: Cooperative,
    actor: User | None,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    now: dt.datetime,
) -> User:
    """Create the account of a person of the cooperative and queue their invitation."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
        raise ValidationError({"email": "Un compte existe déjà avec cette adresse."})
    user = User(
        username=email, email=email, first_name=first_name, last_name=last_name, role=role,
        cooperative=cooperative,
    )  # fmt: skip
    user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        raise ValidationError(error.messages) from None
    user.save()
    _record(user=user, actor=actor, action=Action.INVITED, now=now, after=_role_label(role))
    _queue_invitation(user=user, actor=actor, now=now)
    return user


@transaction.atomic
def user_invitation_resend(*, user: User, actor: User, now: dt.datetime) -> AccountInvitation:
    """A new invitation (the first one's link expired or was lost), until a password is
    chosen."""
    if user.has_usable_password():
        raise ValidationError("Cette personne a déjà choisi son mot de passe.")
    if not user.is_active:
        raise ValidationError("Ce compte est désactivé : réactivez-le d'abord.")
    _record(user=user, actor=actor, action=Action.INVITATION_RESENT, now=now)
    return _queue_invitation(user=user, actor=actor, now=now)


@transaction.atomic
def user_change_role(*, user: User, actor: User, role: str, now: dt.datetime) -> bool:
    """Give `user` another role of the cooperative; False if it was already theirs."""
    if role not in COOPERATIVE_ROLES:
        raise ValidationError({"role": "Ce rôle ne se donne pas dans la coopérative."})
    if role == user.role:
        return False
    if role != User.Role.DIRECTOR:
        _keep_a_director(user)
    before = user.role
    User.objects.filter(pk=user.pk).update(role=role)
    user.role = role
    _record(
        user=user, actor=actor, action=Action.ROLE_CHANGED, now=now,
        before=_role_label(before), after=_role_label(role),
    )  # fmt: skip
    return True


@transaction.atomic
def user_deactivate(*, user: User, actor: User, now: dt.datetime) -> bool:
    """The account can no longer sign in (never deleted); False if it already could not."""
    _keep_a_director(user)
    if not User.objects.filter(pk=user.pk, is_active=True).update(is_active=False):
        return False
    user.is_active = False
    _record(user=user, actor=actor, action=Action.DEACTIVATED, now=now, before="actif")
    return True


@transaction.atomic
def user_reactivate(*, user: User, actor: User, now: dt.datetime) -> bool:
    """The account can sign in again; False if it already could."""
    if not User.objects.filter(pk=user.pk, is_active=False).update(is_active=True):
        return False
    user.is_active = True
    _record(user=user, actor=actor, action=Action.REACTIVATED, now=now, after="actif")
    return True


@transaction.atomic
def cooperative_create(
    *,
    federation: Federation,
    actor: User | None,
    name: str,
    city: str,
    director_email: str,
    director_first_name: str,
    director_last_name: str,
    now: dt.datetime,
) -> Cooperative:
    """A new cooperative of the federation and the invitation of its first director."""
    slug = slugify(name)[:50]
    if Cooperative.objects.filter(Q(name__iexact=name) | Q(slug=slug)).exists():
        raise ValidationError("Une coopérative porte déjà ce nom.")
    cooperative = Cooperative(name=name, slug=slug, city=city, federation=federation)
    cooperative.full_clean()
    cooperative.save()
    user_invite(
        cooperative=cooperative, actor=actor, email=director_email,
        first_name=director_first_name, last_name=director_last_name,
        role=User.Role.DIRECTOR, now=now,
    )  # fmt: skip
    return cooperative


# The invitation e-mail, a kind of the outbox ----------------------------------------------------


def _build(invitation: AccountInvitation) -> EmailMultiAlternatives:
    user = invitation.user
    site = urlsplit(settings.SITE_URL)
    context = {
        "user": user,
        "cooperative": user.cooperative,
        "invited_by": invitation.invited_by,
        "protocol": site.scheme,
        "domain": site.netloc,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    subject = " ".join(render_to_string("emails/account_invitation_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/account_invitation_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    html = render_to_string("emails/account_invitation_body.html", context)
    message.attach_alternative(html, "text/html")
    return message


def _cancel_reason(invitation: AccountInvitation, now: dt.datetime) -> str:
    user = invitation.user
    if not user.is_active:
        return "compte désactivé"
    if user.has_usable_password():
        return "mot de passe déjà choisi"
    return ""


def _log_context(invitation: AccountInvitation) -> str:
    return f"user {invitation.user_id}"


ACCOUNT_INVITATIONS = Kind(
    model=AccountInvitation,
    build=_build,
    cancel_reason=_cancel_reason,
    related=("user__cooperative", "invited_by"),
    log_context=_log_context,
)
