"""Companies (staff pages), the company's signed link to its reserves (public, no account),
and the cooperative's after-sales deadlines."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cooperatives.access import get_object_for, permission_required
from cooperatives.models import Permission, Programme
from coopqualite.pdf import render_pdf
from sav.companies import LINK_VALIDITY, company_access, company_claims, company_token
from sav.forms import CompanyForm, ServiceLevelForm
from sav.models import Claim, Company, ServiceLevel
from sav.services.claims import StepRefused, claim_mark_done
from sav.services.settings import service_level_save


@permission_required(Permission.READ_BUYERS)
def company_list(request):
    companies = Company.objects.visible_to(request.user)
    return render(
        request,
        "sav/company_list.html",
        {"companies": companies, "can_edit": request.user.may(Permission.EDIT)},
    )


@permission_required(Permission.EDIT)
def company_new(request):
    form = CompanyForm(request.POST or None, instance=Company(cooperative=request.user.cooperative))
    if request.method == "POST" and form.is_valid():
        company = form.save()
        messages.success(request, f"Entreprise « {company.name} » ajoutée.")
        return redirect("company_detail", company_id=company.pk)
    return render(request, "sav/company_form.html", {"form": form})


def company_detail(request, company_id: int):
    """The company, its form for those who edit, and its signed links: one per programme where
    it has claims to carry out."""
    company = get_object_for(request.user, Permission.READ_BUYERS, Company, pk=company_id)
    can_edit = request.user.may(Permission.EDIT, company.cooperative)
    form = CompanyForm(request.POST or None, instance=company)
    if request.method == "POST":
        get_object_for(request.user, Permission.EDIT, Company, pk=company_id)
        if form.is_valid():
            form.save()
            messages.success(request, "Entreprise enregistrée.")
            return redirect("company_detail", company_id=company.pk)
    programmes = Programme.objects.filter(
        pk__in=Claim.objects.filter(company=company).values("lot__programme")
    )
    links = [
        (p, settings.SITE_URL + reverse("company_reserves", args=[company_token(company, p)]))
        for p in programmes
    ]
    return render(
        request,
        "sav/company_detail.html",
        {"company": company, "form": form, "can_edit": can_edit, "links": links,
         "validity": LINK_VALIDITY.days},
    )  # fmt: skip


def _access_or_404(link: str):
    access = company_access(link)
    if access is None:
        raise Http404("Lien invalide ou expiré.")
    return access


@login_not_required
@never_cache
def company_reserves(request, link: str):
    access = _access_or_404(link)
    return render(
        request,
        "sav/company_reserves.html",
        {"access": access, "claims": company_claims(access), "link": link},
    )


@login_not_required
@never_cache
def company_reserves_pdf(request, link: str):
    access = _access_or_404(link)
    pdf = render_pdf(
        "sav/company_reserves_pdf.html",
        {"access": access, "claims": list(company_claims(access)), "today": timezone.localdate()},
    )
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="reserves.pdf"'
    return response


@login_not_required
@require_POST
def company_claim_done(request, link: str, claim_id: int):
    access = _access_or_404(link)
    claim = company_claims(access).filter(pk=claim_id).first()
    if claim is None:
        raise Http404("Cette réserve n'est pas à réaliser par votre entreprise.")
    try:
        claim_mark_done(claim=claim, now=timezone.now(),
                        comment=request.POST.get("comment", "")[:2000])  # fmt: skip
        messages.success(request, f"Intervention {claim.reference} notée comme réalisée.")
    except StepRefused as refused:
        messages.error(request, str(refused))
    return redirect("company_reserves", link=link)


@permission_required(Permission.MANAGE)
def service_level(request):
    current = ServiceLevel.of(request.user.cooperative_id)
    initial = {f: getattr(current, f) for f in ServiceLevelForm.base_fields}
    form = ServiceLevelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        service_level_save(cooperative_id=request.user.cooperative_id, values=form.cleaned_data)
        messages.success(request, "Délais du service après-vente enregistrés.")
        return redirect("service_level")
    return render(request, "sav/service_level.html", {"form": form})
