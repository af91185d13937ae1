"""Asking for an export built by a job and downloading it, as a person does from the results
page (tasks run in-process, after the request's commit, as without a broker)."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from enquetes.models import ExportJob


def export_asked(client, campaign, format: str):
    """POST the request of an export; the task runs once the request commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("campaign_export_request", args=[campaign.pk]), {"format": format}
        )


def export_built(client, campaign, format: str):
    """The download of a freshly built export (or the redirect that refused to build it)."""
    asked = export_asked(client, campaign, format)
    job = ExportJob.objects.filter(campaign=campaign, format=format).order_by("-pk").first()
    if job is None:
        return asked
    return client.get(reverse("campaign_export_download", args=[campaign.pk, job.pk]))
