"""The second factor's writes: enrolment, verification with lockout, recovery codes, reset.
See the package's docstring for the rules."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cooperatives.models import AccountChange, User

log = logging.getLogger(__name__)

AUTHENTICATOR = "Application d'authentification"
RECOVERY = "Codes de secours"


def _clean(code: str) -> str:
    return "".join(code.split()).lower()


def authenticator_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator to show as a QR code: the one waiting, or a new one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes (the old ones stop working); returned to be shown once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": RECOVERY})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODES_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@dataclass(frozen=True)
class Verification:
    device: Device | None  # the device that accepted the code, None if refused
    locked_until: dt.datetime | None = None  # set when the account's second factor is locked


def second_factor_verify(
    *, user: User, code: str, now: dt.datetime, device: Device | None = None
) -> Verification:
    """Check a code against `device`, or against the user's confirmed devices (authenticator,
    then recovery codes: a recovery code works once). Wrong codes are counted on the account,
    whose row is locked meanwhile (parallel guesses wait in line): AXES_FAILURE_LIMIT of them
    lock the second factor for AXES_COOLOFF_TIME, and a good code is refused until then."""
    code = _clean(code)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.second_factor_locked_until and locked.second_factor_locked_until > now:
            return Verification(None, locked.second_factor_locked_until)
        devices: list[Device] = (
            [device]
            if device is not None
            else [
                *TOTPDevice.objects.filter(user=user, confirmed=True),
                *StaticDevice.objects.filter(user=user, confirmed=True),
            ]
        )
        for candidate in devices:
            if code and candidate.verify_token(code):
                User.objects.filter(pk=user.pk).update(
                    second_factor_failures=0, second_factor_locked_until=None
                )
                return Verification(candidate)
        failures = locked.second_factor_failures + 1
        if failures < settings.AXES_FAILURE_LIMIT:
            User.objects.filter(pk=user.pk).update(second_factor_failures=failures)
            return Verification(None)
        until = now + settings.AXES_COOLOFF_TIME
        User.objects.filter(pk=user.pk).update(
            second_factor_failures=0, second_factor_locked_until=until
        )
    log.warning("second factor locked for user %s after %s wrong codes", user.pk, failures)
    return Verification(None, until)


@transaction.atomic
def authenticator_confirm(
    *, user: User, device: TOTPDevice, code: str, now: dt.datetime
) -> tuple[Verification, list[str]]:
    """Confirm the authenticator being set up with its first good code (counted like any
    code): the verification, and the recovery codes to show once (none if refused)."""
    verification = second_factor_verify(user=user, code=code, now=now, device=device)
    if verification.device is None:
        return verification, []
    # One authenticator per person: a new one replaces the previous.
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    return verification, recovery_codes_regenerate(user=user)


@transaction.atomic
def second_factor_reset(*, user: User, actor: User | None, now: dt.datetime) -> bool:
    """Remove the person's authenticator and recovery codes, and lift a lock: they set up a new
    one at their next sign-in. Recorded in the account history. False if they had none."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    User.objects.filter(pk=user.pk).update(
        second_factor_failures=0, second_factor_locked_until=None
    )
    if not removed:
        return False
    if user.cooperative_id:  # a federation reader's account has no cooperative's history
        AccountChange.objects.create(
            cooperative_id=user.cooperative_id, user=user, actor=actor, at=now,
            action=AccountChange.Action.SECOND_FACTOR_RESET,
        )  # fmt: skip
    log.warning(
        "second factor reset for user %s by %s", user.pk, actor.pk if actor else "an operator"
    )
    return True
