"""Staff pages: campaigns, their population, invitations, and responses taken by phone."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperatives.access import get_object_for, permission_required
from cooperatives.models import Permission
from enquetes.answering.forms import ResponseEntryForm
from enquetes.answering.saving import AlreadyAnswered, response_enter
from enquetes.answering.snapshot import snapshot_of
from enquetes.forms.staff import CampaignForm, ChannelForm, ImportForm
from enquetes.models import Campaign, Invitation, Message, PopulationImport
from enquetes.services.campaigns import CampaignError, campaign_launch, population_buyers
from enquetes.services.importing import (
    ImportFileError,
    ImportRejected,
    population_import_confirm,
    population_import_prepare,
)
from enquetes.services.questionnaires import questionnaire_from_template
from enquetes.services.sending import messages_plan
from enquetes.tasks import enqueue_pending

PAGE_SIZE = 50
FILTERS = {
    "repondu": ("Ont répondu", Q(answered_at__isnull=False)),
    "commence": ("Réponse commencée", Q(started_at__isnull=False, answered_at__isnull=True)),
    "sans-reponse": ("Sans réponse", Q(answered_at__isnull=True)),
    "echec": (
        "Envoi en échec",
        Q(messages__status__in=[Message.Status.FAILED, Message.Status.BOUNCED]),
    ),
    "desinscrit": ("Désinscrits", Q(unsubscribed_at__isnull=False)),
    "sans-email": ("Sans e-mail", Q(email="")),
}


def campaign_list(request):
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .select_related("questionnaire", "cooperative")
        .annotate(
            invited=Count("invitations", distinct=True),
            answered=Count(
                "invitations", filter=Q(invitations__answered_at__isnull=False), distinct=True
            ),
        )
        .order_by("-opens_on", "-pk")
    )
    return render(
        request,
        "enquetes/campaign_list.html",
        {"campaigns": campaigns, "can_create": request.user.may(Permission.EDIT)},
    )


@permission_required(Permission.EDIT)
def campaign_new(request):
    cooperative = request.user.cooperative
    form = CampaignForm(request.POST or None, cooperative_id=cooperative.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            questionnaire = data["questionnaire"] or questionnaire_from_template(
                cooperative=cooperative, template_key=data["template"]
            )
            campaign = form.save(commit=False)
            campaign.cooperative = cooperative
            campaign.questionnaire = questionnaire
            campaign.reminder_days = data["reminders"]
            campaign.population = {
                "source": data["source"],
                "programmes": [p.pk for p in data["programmes"]],
                "steps": data["steps"],
            }
            campaign.save()
        messages.success(request, "Campagne créée : vérifiez la population, puis lancez-la.")
        return redirect("campaign_detail", campaign_id=campaign.pk)
    return render(request, "enquetes/campaign_form.html", {"form": form})


def campaign_detail(request, campaign_id: int):
    # The invitation list names people; results are elsewhere.
    campaign = get_object_for(request.user, Permission.READ_BUYERS, Campaign, pk=campaign_id)
    invitations = Invitation.objects.filter(campaign=campaign)
    stats = invitations.aggregate(
        invited=Count("pk"),
        with_email=Count("pk", filter=~Q(email="")),
        started=Count("pk", filter=Q(started_at__isnull=False)),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        unsubscribed=Count("pk", filter=Q(unsubscribed_at__isnull=False)),
    )
    message_stats = dict(
        Message.objects.filter(invitation__campaign=campaign)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    current = request.GET.get("filtre", "")
    if current in FILTERS:
        invitations = invitations.filter(FILTERS[current][1]).distinct()
    invitations = invitations.select_related("programme").prefetch_related(
        Prefetch("messages", queryset=Message.objects.order_by("number"))
    )
    page = Paginator(invitations.order_by("last_name", "first_name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    failures = (
        Message.objects.filter(
            invitation__campaign=campaign,
            status__in=[Message.Status.FAILED, Message.Status.BOUNCED],
        )
        .select_related("invitation")
        .order_by("-claimed_at")[:20]
    )
    preview = None
    if campaign.launched_at is None and campaign.population.get("source", "buyers") == "buyers":
        preview = population_buyers(campaign).count()
    return render(
        request,
        "enquetes/campaign_detail.html",
        {
            "campaign": campaign,
            "stats": stats,
            "message_stats": message_stats,
            "page": page,
            "filters": FILTERS,
            "current": current,
            "failures": failures,
            "preview": preview,
            "can_edit": request.user.may(Permission.EDIT, campaign.cooperative),
        },
    )


@require_POST
def campaign_launch_view(request, campaign_id: int):
    campaign = get_object_for(request.user, Permission.EDIT, Campaign, pk=campaign_id)
    now = timezone.now()
    try:
        with transaction.atomic():
            added = campaign_launch(campaign=campaign, now=now)
            messages_plan(now=now, campaign=campaign)
            queued = enqueue_pending()
    except CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Campagne lancée : {added} invitation(s) créée(s), {queued} e-mail(s) en file.",
        )
    return redirect("campaign_detail", campaign_id=campaign.pk)


def population_import(request, campaign_id: int):
    """Upload a buyer file and see the per-row report before anything is written."""
    campaign = get_object_for(request.user, Permission.EDIT, Campaign, pk=campaign_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    pending = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            pending = population_import_prepare(
                campaign=campaign, data=upload.read(), filename=upload.name, user=request.user
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
    return render(
        request,
        "enquetes/import.html",
        {
            "campaign": campaign,
            "form": form,
            "pending": pending,
            "errors": [r for r in pending.report if r["level"] == "error"] if pending else [],
        },
    )


@require_POST
def population_import_confirm_view(request, campaign_id: int, import_id: int):
    campaign = get_object_for(request.user, Permission.EDIT, Campaign, pk=campaign_id)
    pending = PopulationImport.objects.filter(
        pk=import_id, campaign=campaign, created_by=request.user
    ).first()
    if pending is None:
        raise Http404
    try:
        added = population_import_confirm(pending=pending)
    except ImportRejected:
        messages.error(request, "Le fichier contient des erreurs : rien n'a été importé.")
        return redirect("population_import", campaign_id=campaign.pk)
    messages.success(request, f"{added} invitation(s) ajoutée(s) depuis le fichier.")
    return redirect("campaign_detail", campaign_id=campaign.pk)


def response_entry(request, invitation_id: int):
    """A response taken by telephone or on paper, entered by staff on one page."""
    invitation = get_object_for(
        request.user,
        Permission.EDIT,  # which implies reading buyers: an invitation names a person
        Invitation.objects.select_related("campaign__questionnaire"),
        pk=invitation_id,
    )
    snapshot = snapshot_of(invitation.campaign.questionnaire)
    form = ResponseEntryForm(request.POST or None, snapshot=snapshot)
    channel = ChannelForm(request.POST or None)
    if invitation.answered_at:
        messages.info(request, "Cette personne a déjà répondu.")
        return redirect("campaign_detail", campaign_id=invitation.campaign_id)
    if request.method == "POST" and form.is_valid() and channel.is_valid():
        try:
            response_enter(
                invitation=invitation, snapshot=snapshot, answers=form.answers,
                channel=channel.cleaned_data["channel"], user=request.user, now=timezone.now(),
            )  # fmt: skip
        except AlreadyAnswered:
            messages.info(request, "Cette personne a déjà répondu.")
        else:
            messages.success(request, "Réponse enregistrée.")
        return redirect("campaign_detail", campaign_id=invitation.campaign_id)
    return render(
        request,
        "enquetes/response_entry.html",
        {"invitation": invitation, "form": form, "channel": channel},
    )
