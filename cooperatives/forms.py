"""Forms of the tenancy app."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import PasswordResetForm

from cooperatives.services.requests import password_reset_request


class PasswordResetRequestForm(PasswordResetForm):
    """The form of the reset page: saving it queues the mail, nothing else."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        password_reset_request(email=self.cleaned_data["email"])
