"""Staff pages: campaigns, their population, invitations, and responses taken by phone."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cooperatives.access import get_object_for, permission_required
from cooperatives.models import Permission
from cooperatives.selectors import import_preview
from coopqualite.formats import format_count
from coopqualite.jobs.services import job_refresh, job_retry
from enquetes import selectors
from enquetes.answering.forms import ResponseEntryForm
from enquetes.answering.saving import AlreadyAnswered, response_enter
from enquetes.answering.snapshot import snapshot_of
from enquetes.forms.staff import (
    CAMPAIGN_TASKS,
    CampaignForm,
    ChannelForm,
    ImportForm,
    ResendForm,
)
from enquetes.models import (
    Campaign,
    Invitation,
    KeyStep,
    Message,
    PopulationImport,
    PopulationImportJob,
    SurveyKind,
)
from enquetes.services.campaigns import CampaignError, campaign_create
from enquetes.services.dispatch import campaign_launch, campaign_messages_resend
from enquetes.services.import_jobs import population_import_request
from enquetes.services.importing import (
    ImportFileError,
    ImportRejected,
    population_import_prepare,
)


def campaign_list(request):
    campaigns = selectors.campaign_list(Campaign.objects.visible_to(request.user))
    return render(
        request,
        "enquetes/campaign_list.html",
        {"campaigns": campaigns, "can_create": request.user.may(Permission.EDIT)},
    )


@permission_required(Permission.EDIT)
def campaign_new(request):
    """First step of a new campaign: which kind of survey, over which people."""
    return render(request, "enquetes/campaign_new.html", {"tasks": CAMPAIGN_TASKS.values()})


@permission_required(Permission.EDIT)
def campaign_new_form(request):
    """Second step: the form of the chosen task (`?type=`), asking only what it needs."""
    task = CAMPAIGN_TASKS.get(request.GET.get("type", ""))
    if task is None:
        return redirect("campaign_new")
    cooperative = request.user.cooperative
    form = CampaignForm(request.POST or None, cooperative_id=cooperative.pk, task=task)
    if request.method == "POST" and form.is_valid():
        campaign = campaign_create(cooperative=cooperative, fields=form.campaign_fields)
        messages.success(request, _created_message(campaign))
        return redirect("campaign_detail", campaign_id=campaign.pk)
    return render(request, "enquetes/campaign_form.html", {"form": form, "task": task})


def _created_message(campaign: Campaign) -> str:
    if campaign.population.get("source") == "import":
        return (
            f"Campagne « {campaign.name} » créée. Importez maintenant le fichier des personnes à "
            f"interroger, puis lancez-la."
        )
    if campaign.key_step == KeyStep.AFTER_INTERVENTION:
        return (
            f"Campagne « {campaign.name} » créée. Une fois lancée, chaque acquéreur sera invité "
            f"à la clôture de sa demande au service après-vente."
        )
    if campaign.kind == SurveyKind.KEY_STEP:
        return (
            f"Campagne « {campaign.name} » créée. Une fois lancée, chaque acquéreur sera invité "
            f"{format_count(campaign.days_after_step, 'jour', 'jours')} après son étape."
        )
    return (
        f"Campagne « {campaign.name} » créée. Vérifiez la population, puis lancez-la : les "
        f"invitations partiront au lancement."
    )


def campaign_detail(request, campaign_id: int):
    # The invitation list names people; results are elsewhere.
    campaign = get_object_for(request.user, Permission.READ_BUYERS, Campaign, pk=campaign_id)
    follow_up = selectors.campaign_follow_up(
        campaign,
        filter_key=request.GET.get("filtre", ""),
        page_number=request.GET.get("page"),
        problems_page=request.GET.get("envois"),
    )
    return render(
        request,
        "enquetes/campaign_detail.html",
        {
            "campaign": campaign,
            "stats": follow_up.stats,
            "message_counts": follow_up.message_counts,
            "page": follow_up.page,
            "filters": follow_up.filters,
            "current": follow_up.current,
            "problems": follow_up.problems,
            "seen_at": follow_up.seen_at,
            "preview": follow_up.preview,
            "can_edit": request.user.may(Permission.EDIT, campaign.cooperative),
        },
    )


@require_POST
def campaign_messages_resend_view(request, campaign_id: int):
    """Failed e-mails at once; uncertain ones only after a confirmation page (same address)."""
    campaign = get_object_for(request.user, Permission.EDIT, Campaign, pk=campaign_id)
    form = ResendForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(next(iter(form.errors.values()))[0]))
        return redirect("campaign_detail", campaign_id=campaign.pk)
    seen_at = form.cleaned_data["vu_le"]
    if form.needs_confirmation:
        count = selectors.campaign_resendable(campaign, Message.Status.UNCERTAIN, seen_at)
        return render(
            request,
            "enquetes/campaign_resend_confirm.html",
            {"campaign": campaign, "form": form, "count": count, "seen_at": seen_at},
        )
    queued = campaign_messages_resend(
        campaign=campaign, uncertain=form.uncertain, seen_at=seen_at, now=timezone.now()
    )
    if queued:
        messages.success(
            request, f"{format_count(queued, 'e-mail remis', 'e-mails remis')} en file d'envoi."
        )
    else:
        messages.info(
            request, "Aucun e-mail à renvoyer : ils ont déjà été remis en file ou envoyés."
        )
    return redirect("campaign_detail", campaign_id=campaign.pk)


@require_POST
def campaign_launch_view(request, campaign_id: int):
    campaign = get_object_for(request.user, Permission.EDIT, Campaign, pk=campaign_id)
    try:
        result = campaign_launch(campaign=campaign, now=timezone.now())
    except CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _launched_message(campaign, result.invited, result.queued))
    return redirect("campaign_detail", campaign_id=campaign.pk)


def _launched_message(campaign: Campaign, invited: int, queued: int) -> str:
    """What the launch did, in words: "Campagne lancée : 40 invitations créées, 40 e-mails mis
    en file d'envoi." (invitations of an imported file were made at the import: not said)."""
    parts = []
    if invited or campaign.population.get("source", "buyers") == "buyers":
        parts.append(format_count(invited, "invitation créée", "invitations créées"))
    if queued:
        parts.append(f"{format_count(queued, 'e-mail mis', 'e-mails mis')} en file d'envoi")
    else:
        parts.append("aucun e-mail à envoyer pour l'instant")
    text = f"Campagne lancée : {', '.join(parts)}."
    if campaign.key_step == KeyStep.AFTER_INTERVENTION:
        text += " Chaque acquéreur sera invité à la clôture de sa demande au service après-vente."
    elif campaign.kind == SurveyKind.KEY_STEP:
        days = format_count(campaign.days_after_step, "jour", "jours")
        text += f" Les acquéreurs qui atteindront l'étape seront invités {days} après."
    return text


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
    preview = None
    if pending is not None:
        preview = import_preview(
            filename=pending.filename, rows=pending.rows, report=pending.report
        )
    return render(
        request,
        "enquetes/import.html",
        {"campaign": campaign, "form": form, "pending": pending, "preview": preview},
    )


@require_POST
def population_import_confirm_view(request, campaign_id: int, import_id: int):
    """Confirm a checked file: its job is created once and the page follows it. A second click
    finds the job (even once the file is written and deleted) and shows it."""
    campaign = get_object_for(request.user, Permission.EDIT, Campaign, pk=campaign_id)
    mine = campaign.import_jobs.filter(created_by=request.user)
    if job := mine.filter(preview_id=import_id).first():
        return _job_page(job)
    pending = PopulationImport.objects.filter(
        pk=import_id, campaign=campaign, created_by=request.user
    ).first()
    if pending is None:
        raise Http404
    try:
        job = population_import_request(pending=pending, user=request.user, now=timezone.now())
    except ImportRejected as exc:
        messages.error(request, str(exc))
        return redirect("population_import", campaign_id=campaign.pk)
    return _job_page(job)


@require_GET
def population_import_job(request, campaign_id: int, population_import_job_id: int):
    """The writing of a confirmed population file: its state while it runs, then the count."""
    job = get_object_for(
        request.user, Permission.EDIT, PopulationImportJob.objects.select_related("campaign"),
        pk=population_import_job_id, campaign_id=campaign_id,
    )  # fmt: skip
    job = job_refresh(job=job, now=timezone.now())
    return render(request, "enquetes/import_job.html", {"job": job, "campaign": job.campaign})


@require_POST
def population_import_job_retry(request, campaign_id: int, population_import_job_id: int):
    job = get_object_for(
        request.user, Permission.EDIT, PopulationImportJob,
        pk=population_import_job_id, campaign_id=campaign_id,
    )  # fmt: skip
    if not job_retry(job=job, now=timezone.now()):
        messages.info(request, "Ce traitement n'est pas en échec : il n'a pas été relancé.")
    return _job_page(job)


def _job_page(job: PopulationImportJob):
    return redirect(
        "population_import_job", campaign_id=job.campaign_id, population_import_job_id=job.pk
    )


ALREADY_ANSWERED = "Cette personne a déjà répondu."
ONE_RESPONSE = "Réponse non enregistrée : une invitation ne reçoit qu'une réponse."


POOLED = (
    "Réponse enregistrée. Anonyme, elle rejoindra les résultats avec d'autres réponses, "
    "dans un ordre qui ne dit rien de qui a répondu."
)


def response_entry(request, invitation_id: int):
    """A response taken by telephone or on paper, entered by staff on one page."""
    invitation = get_object_for(
        request.user,
        Permission.EDIT,  # which implies reading buyers: an invitation names a person
        Invitation.objects.select_related("campaign__questionnaire"),
        pk=invitation_id,
    )
    snapshot = snapshot_of(
        invitation.campaign.questionnaire, anonymous=invitation.campaign.anonymous
    )
    form = ResponseEntryForm(request.POST or None, snapshot=snapshot)
    channel = ChannelForm(request.POST or None)
    # In an anonymous campaign the form is offered for anyone: refusing it at once would tell
    # who answered. The invitation's answered flag keeps one response per invitation all the same.
    anonymous = invitation.campaign.anonymous
    if invitation.answered_at and not anonymous:
        messages.info(request, ALREADY_ANSWERED)
        return redirect("campaign_detail", campaign_id=invitation.campaign_id)
    if request.method == "POST" and form.is_valid() and channel.is_valid():
        try:
            response_enter(
                invitation=invitation, snapshot=snapshot, answers=form.answers,
                channel=channel.cleaned_data["channel"], user=request.user, now=timezone.now(),
            )  # fmt: skip
        except AlreadyAnswered:
            messages.info(request, ONE_RESPONSE if anonymous else ALREADY_ANSWERED)
        else:
            messages.success(request, POOLED if anonymous else "Réponse enregistrée.")
        return redirect("campaign_detail", campaign_id=invitation.campaign_id)
    return render(
        request,
        "enquetes/response_entry.html",
        {"invitation": invitation, "form": form, "channel": channel},
    )
