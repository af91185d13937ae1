from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cooperatives.access import permission_required
from cooperatives.models import Cooperative, Permission
from coopqualite.middleware import cacheable
from rgpd.forms import PrivacyNoticeForm, RetentionSettingsForm
from rgpd.models import PrivacyNotice, RetentionSettings
from rgpd.notice import default_sections, notice_sections
from rgpd.selectors import retention_values
from rgpd.services.notice import privacy_notice_save
from rgpd.services.retention import retention_apply


@login_not_required
@require_GET
@cacheable
def privacy_notice(request, slug: str):
    """The cooperative's privacy notice: public, linked from every buyer page and e-mail."""
    cooperative = get_object_or_404(Cooperative.objects.select_related("federation"), slug=slug)
    notice = PrivacyNotice.objects.filter(cooperative=cooperative).first()
    return render(
        request,
        "rgpd/notice.html",
        {
            "cooperative": cooperative,
            "notice": notice,
            "sections": notice_sections(cooperative, notice, retention_values(cooperative)),
        },
    )


@login_not_required
@require_GET
@cacheable
def privacy_general(request):
    """For a page that does not know the cooperative yet (an unknown link, the sign-in page)."""
    return render(request, "rgpd/general.html")


@permission_required(Permission.MANAGE)
def privacy_notice_edit(request):
    cooperative = request.user.cooperative
    notice = PrivacyNotice.objects.filter(cooperative=cooperative).first()
    form = PrivacyNoticeForm(
        request.POST or None,
        instance=notice or PrivacyNotice(cooperative=cooperative),
        defaults=default_sections(cooperative),
    )
    if request.method == "POST" and form.is_valid():
        privacy_notice_save(cooperative=cooperative, values=form.cleaned_data, user=request.user)
        messages.success(request, "Notice de confidentialité enregistrée.")
        return redirect("privacy_notice_edit")
    return render(request, "rgpd/notice_edit.html", {"form": form, "cooperative": cooperative})


@permission_required(Permission.MANAGE)
def privacy_retention(request):
    """The cooperative's durations, and what the next nightly run would make anonymous (a dry
    run: nothing is changed by showing it)."""
    cooperative = request.user.cooperative
    stored = RetentionSettings.objects.filter(cooperative=cooperative).first()
    form = RetentionSettingsForm(
        request.POST or None, instance=stored or RetentionSettings(cooperative=cooperative)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Règles de conservation enregistrées.")
        return redirect("privacy_retention")
    report = retention_apply(cooperative=cooperative, today=timezone.localdate(), dry_run=True)
    return render(
        request,
        "rgpd/retention.html",
        {"form": form, "cooperative": cooperative, "report": report},
    )
