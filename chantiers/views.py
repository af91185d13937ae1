"""Staff pages of the works: phases of a programme, letters written, previewed and published.
Read by those who read buyers; written by those who keep the records; the default names of
the phases by those who manage the cooperative."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from chantiers import selectors
from chantiers.files import pdf_response, photo_response
from chantiers.forms import DefaultPhaseNamesForm, LetterForm, PhaseForm, PhaseNewForm
from chantiers.models import Letter, LetterPhoto, Phase
from chantiers.services.letters import LetterPublished, letter_photo_delete, letter_save
from chantiers.services.phases import (
    default_phase_names,
    default_phase_names_save,
    phase_add,
    phases_create_default,
)
from chantiers.services.publishing import letter_publish
from cooperatives.access import get_object_for, permission_required
from cooperatives.models import Permission, Programme
from coopqualite.formats import format_count


@require_safe
def programme_works(request, programme_id: int):
    programme = get_object_for(request.user, Permission.READ_BUYERS, Programme, pk=programme_id)
    context = {
        "programme": programme,
        "phases": selectors.programme_phases(programme.pk),
        "can_edit": request.user.may(Permission.EDIT, programme.cooperative),
    }
    return render(request, "chantiers/programme_works.html", context)


@require_POST
def phases_create(request, programme_id: int):
    programme = get_object_for(request.user, Permission.EDIT, Programme, pk=programme_id)
    if phases_create_default(programme=programme):
        messages.success(request, "Les quatre étapes essentielles du chantier sont créées.")
    return redirect("programme_works", programme_id=programme.pk)


def phase_new(request, programme_id: int):
    programme = get_object_for(request.user, Permission.EDIT, Programme, pk=programme_id)
    form = PhaseNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phase = phase_add(programme=programme, name=form.cleaned_data["name"])
        return redirect("phase_edit", phase_id=phase.pk)
    return render(request, "chantiers/phase_form.html", {"form": form, "programme": programme})


def phase_edit(request, phase_id: int):
    phase = get_object_for(
        request.user, Permission.EDIT, Phase.objects.select_related("programme"), pk=phase_id
    )
    form = PhaseForm(request.POST or None, instance=phase)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Étape « {phase.name} » enregistrée.")
        return redirect("programme_works", programme_id=phase.programme_id)
    context = {"form": form, "programme": phase.programme, "phase": phase}
    return render(request, "chantiers/phase_form.html", context)


def _letter_form_page(request, phase: Phase, letter: Letter | None):
    form = LetterForm(request.POST or None, request.FILES or None, initial=_initial(letter))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        letter = letter_save(
            letter=letter, phase=phase, user=request.user, title=data["title"],
            text=data["text"], photos=data["photos"], pdf=data["pdf"] or None,
            remove_pdf=data["remove_pdf"],
        )  # fmt: skip
        return redirect("letter_detail", letter_id=letter.pk)
    context = {"form": form, "phase": phase, "programme": phase.programme, "letter": letter}
    return render(request, "chantiers/letter_form.html", context)


def _initial(letter: Letter | None) -> dict:
    return {"title": letter.title, "text": letter.body_html} if letter else {}


def letter_new(request, phase_id: int):
    phase = get_object_for(
        request.user, Permission.EDIT, Phase.objects.select_related("programme"), pk=phase_id
    )
    return _letter_form_page(request, phase, None)


def letter_edit(request, letter_id: int):
    letter = _letter(request, Permission.EDIT, letter_id)
    if letter.is_published:
        messages.error(request, "Une lettre publiée ne change plus : les acquéreurs l'ont reçue.")
        return redirect("letter_detail", letter_id=letter.pk)
    return _letter_form_page(request, letter.phase, letter)


def _letter(request, permission: Permission, letter_id: int) -> Letter:
    return get_object_for(
        request.user, permission,
        Letter.objects.select_related("phase__programme", "published_by"), pk=letter_id,
    )  # fmt: skip


@require_safe
def letter_detail(request, letter_id: int):
    """The preview: the letter as buyers will read it, then its e-mails once published."""
    letter = _letter(request, Permission.READ_BUYERS, letter_id)
    programme = letter.phase.programme
    context = {
        "letter": letter,
        "phase": letter.phase,
        "programme": programme,
        "photos": list(letter.photos.all()),
        "counts": selectors.letter_counts(letter) if letter.is_published else {},
        "recipients": selectors.programme_recipients(programme.pk),
        "can_edit": request.user.may(Permission.EDIT, programme.cooperative),
    }
    return render(request, "chantiers/letter_detail.html", context)


@require_POST
def letter_publish_view(request, letter_id: int):
    letter = _letter(request, Permission.EDIT, letter_id)
    planned = letter_publish(letter=letter, user=request.user, now=timezone.now())
    if planned is None:
        messages.info(request, "Cette lettre était déjà publiée : rien n'a été renvoyé.")
    else:
        sent = format_count(planned, "acquéreur", "acquéreurs")
        messages.success(request, f"Lettre publiée : envoi par e-mail à {sent}.")
    return redirect("letter_detail", letter_id=letter.pk)


@require_safe
def letter_photo(request, photo_id: int):
    photo = get_object_for(request.user, Permission.READ_BUYERS, LetterPhoto, pk=photo_id)
    return photo_response(photo)


@require_POST
def letter_photo_remove(request, photo_id: int):
    photo = get_object_for(
        request.user, Permission.EDIT, LetterPhoto.objects.select_related("letter"), pk=photo_id
    )
    try:
        letter_photo_delete(photo=photo)
    except LetterPublished:
        messages.error(request, "Une lettre publiée ne change plus.")
    return redirect("letter_detail", letter_id=photo.letter_id)


@require_safe
def letter_pdf(request, letter_id: int):
    return pdf_response(_letter(request, Permission.READ_BUYERS, letter_id))


@permission_required(Permission.MANAGE)
def phase_names(request):
    cooperative = request.user.cooperative
    if cooperative is None:
        raise PermissionDenied
    form = DefaultPhaseNamesForm(request.POST or None, names=default_phase_names(cooperative.pk))
    if request.method == "POST" and form.is_valid():
        default_phase_names_save(cooperative=cooperative, names=form.names())
        messages.success(request, "Noms des étapes enregistrés pour les prochains programmes.")
        return redirect("phase_names")
    return render(request, "chantiers/phase_names.html", {"form": form})
