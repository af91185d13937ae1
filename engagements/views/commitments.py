from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperatives.access import get_object_for
from cooperatives.models import Permission
from coopqualite.history import history_page
from coopqualite.pagination import paginate
from engagements import selectors
from engagements.forms import CommitmentForm, IndicatorForm, MeasurementEditForm, MeasurementForm
from engagements.models import Commitment, Indicator, Measurement
from engagements.services.measuring import (
    indicator_recompute,
    measurement_confirm,
    measurement_record,
)

ACTIONS_PER_PAGE = 25
EVIDENCE_PER_PAGE = 20
MEASUREMENTS_PER_PAGE = 24


def commitment_detail(request, commitment_id: int):
    commitment = get_object_for(request.user, Permission.READ, Commitment, pk=commitment_id)
    detail = selectors.commitment_detail(commitment, timezone.localdate())
    return render(
        request,
        "engagements/commitment_detail.html",
        {
            "commitment": commitment,
            "line": detail.line,
            "actions": paginate(
                detail.actions, request, param="actions", per_page=ACTIONS_PER_PAGE
            ),
            "evidence": paginate(
                detail.evidence.order_by("-fact_date", "-pk"),
                request,
                param="preuves",
                per_page=EVIDENCE_PER_PAGE,
            ),  # fmt: skip
            "history": history_page(detail.history, request),
            "can_edit": request.user.may(Permission.EDIT, commitment.cooperative),
        },
    )


def indicator_detail(request, indicator_id: int):
    indicator = get_object_for(request.user, Permission.READ, Indicator, pk=indicator_id)
    detail = selectors.indicator_detail(indicator)
    measurements = paginate(
        detail.measurements, request, param="mesures", per_page=MEASUREMENTS_PER_PAGE
    )
    measurements.object_list = selectors.measurement_rows(indicator, measurements.object_list)
    return render(
        request,
        "engagements/indicator_detail.html",
        {
            "indicator": indicator,
            "commitment": indicator.commitment,
            "measurements": measurements,
            "chart": detail.chart,
            "history": history_page(detail.history, request),
            "tolerance": detail.tolerance,
            "feed": detail.feed,
            "min_base": detail.min_base,
            "can_edit": request.user.may(Permission.EDIT, indicator.commitment.cooperative),
        },
    )


def measurement_create(request, indicator_id: int):
    indicator = get_object_for(request.user, Permission.EDIT, Indicator, pk=indicator_id)
    if indicator.is_computed:
        messages.error(request, "Cet indicateur est calculé : ses mesures ne se saisissent pas.")
        return redirect("indicator_detail", indicator_id=indicator.pk)
    form = MeasurementForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        measurement = measurement_record(
            indicator=indicator, user=request.user, period_start=data["period_start"],
            value=data["value"], base=data["base"], comment=data["comment"],
        )  # fmt: skip
        messages.success(request, f"Mesure de {measurement.period_label} enregistrée.")
        return redirect("indicator_detail", indicator_id=indicator.pk)
    return render(
        request, "engagements/measurement_form.html", {"form": form, "indicator": indicator}
    )


def measurement_edit(request, measurement_id: int):
    measurement = get_object_for(request.user, Permission.EDIT, Measurement, pk=measurement_id)
    if measurement.is_computed:
        messages.error(request, "Cette mesure est calculée : corrigez-la à sa source.")
        return redirect("indicator_detail", indicator_id=measurement.indicator_id)
    form = MeasurementEditForm(request.POST or None, instance=measurement)
    if request.method == "POST" and form.is_valid():
        form.instance.entered_by = request.user
        form.instance.awaiting_confirmation = False  # typed, or confirmed in the form
        form.save()
        messages.success(request, f"Mesure de {measurement.period_label} corrigée.")
        return redirect("indicator_detail", indicator_id=measurement.indicator_id)
    return render(
        request,
        "engagements/measurement_form.html",
        {"form": form, "indicator": measurement.indicator, "measurement": measurement},
    )


@require_POST
def measurement_confirm_view(request, measurement_id: int):
    """Confirm an unusual value: from now on the public page and the report show it."""
    measurement = get_object_for(request.user, Permission.EDIT, Measurement, pk=measurement_id)
    if measurement_confirm(measurement=measurement, user=request.user):
        messages.success(request, f"Mesure de {measurement.period_label} confirmée.")
    else:
        messages.info(request, f"La mesure de {measurement.period_label} était déjà confirmée.")
    return redirect("indicator_detail", indicator_id=measurement.indicator_id)


def commitment_edit(request, commitment_id: int):
    """Reword a commitment and choose the principles it embodies."""
    commitment = get_object_for(request.user, Permission.EDIT, Commitment, pk=commitment_id)
    form = CommitmentForm(request.POST or None, instance=commitment)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Engagement enregistré.")
        return redirect("commitment_detail", commitment_id=commitment.pk)
    return render(
        request, "engagements/commitment_form.html", {"form": form, "commitment": commitment}
    )


def indicator_new(request, commitment_id: int):
    commitment = get_object_for(request.user, Permission.EDIT, Commitment, pk=commitment_id)
    form = IndicatorForm(request.POST or None, cooperative_id=commitment.cooperative_id)
    if request.method == "POST" and form.is_valid():
        form.instance.commitment = commitment
        indicator = form.save()
        indicator_recompute(indicator=indicator)
        messages.success(request, "Indicateur créé.")
        return redirect("indicator_detail", indicator_id=indicator.pk)
    return render(
        request, "engagements/indicator_form.html", {"form": form, "commitment": commitment}
    )


def indicator_edit(request, indicator_id: int):
    indicator = get_object_for(request.user, Permission.EDIT, Indicator, pk=indicator_id)
    form = IndicatorForm(
        request.POST or None, instance=indicator, cooperative_id=indicator.commitment.cooperative_id
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        indicator_recompute(indicator=indicator)
        messages.success(request, "Indicateur enregistré.")
        return redirect("indicator_detail", indicator_id=indicator.pk)
    return render(
        request,
        "engagements/indicator_form.html",
        {"form": form, "commitment": indicator.commitment, "indicator": indicator},
    )
