"""Password reset that does not tell accounts apart (the work; `cooperatives.tasks` calls it).

The reset page only checks that an address was typed and queues `password_reset_send_task` with
it once the request's transaction commits (`services.requests.password_reset_request`): a known
and an unknown address take the same path, read no table and answer in the same time. The
worker looks the accounts up and sends Django's reset link with the French templates
emails/password_reset_*, the link built on SITE_URL like every link of a mail. A transient SMTP
error is retried by the task (at least once: a second mail is harmless, each link works once
and the newest password wins); a permanent refusal is logged without the address and dropped,
as Django does.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.template import loader

from coopqualite.mail import TransientSendError, smtp_error_is_transient

log = logging.getLogger(__name__)

SUBJECT_TEMPLATE = "emails/password_reset_subject.txt"
BODY_TEMPLATE = "emails/password_reset_body.txt"
HTML_TEMPLATE = "emails/password_reset_body.html"


class _PasswordResetMailForm(PasswordResetForm):
    """Django's reset mail, except that a sending error is raised (Django logs and drops it),
    so that the task can retry."""

    def send_mail(
        self, subject_template_name: str, email_template_name: str, context: dict[str, Any],
        from_email: str | None, to_email: str, html_email_template_name: str | None = None,
    ) -> None:  # fmt: skip
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name is not None:
            html = loader.render_to_string(html_email_template_name, context)
            message.attach_alternative(html, "text/html")
        message.send()


def password_reset_send(*, email: str) -> None:
    """Send the reset link to every active account with this address; none: nothing."""
    form = _PasswordResetMailForm({"email": email})
    if not form.is_valid():
        return
    site = urlsplit(settings.SITE_URL)
    try:
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            subject_template_name=SUBJECT_TEMPLATE,
            email_template_name=BODY_TEMPLATE,
            html_email_template_name=HTML_TEMPLATE,
        )
    except OSError as exc:  # smtplib's errors are OSErrors
        if smtp_error_is_transient(exc):
            raise TransientSendError(type(exc).__name__) from None
        log.warning("password reset mail refused by the SMTP server (%s)", type(exc).__name__)
