"""The link to a cooperative's privacy notice, for buyer pages and e-mails."""

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.simple_tag
def privacy_notice_url(cooperative=None, absolute: bool = False) -> str:
    """The cooperative's notice (the portal's general page without a cooperative); `absolute`
    for e-mails (on SITE_URL, like every link of a mail)."""
    if cooperative is None or not getattr(cooperative, "slug", ""):
        path = reverse("privacy_general")
    else:
        path = reverse("privacy_notice", args=[cooperative.slug])
    return settings.SITE_URL + path if absolute else path
