"""Who must have a second factor, and who has one."""

from __future__ import annotations

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from cooperatives.models import User


def second_factor_required(user: User) -> bool:
    """Whether this user must sign in with a second factor (settings.OTP_REQUIRED_ROLES)."""
    roles = settings.OTP_REQUIRED_ROLES
    return user.role in roles or (user.is_superuser and "superuser" in roles)


def has_second_factor(user: User) -> bool:
    """Whether this user has a confirmed authenticator (the recovery codes come with it)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
