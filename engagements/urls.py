from django.urls import path

from engagements.views import actions, commitments, evidence, iso, public, scorecard

urlpatterns = [
    path("tableau-de-bord/", scorecard.scorecard_view, name="scorecard"),
    path("engagements/", scorecard.commitment_list, name="commitment_list"),
    path("federation/", scorecard.federation_overview, name="federation_overview"),
    path("rse/iso-26000/<slug:slug>/<int:year>/", iso.iso_assessment, name="iso_assessment"),
    path(
        "engagements/<int:commitment_id>/",
        commitments.commitment_detail,
        name="commitment_detail",
    ),
    path(
        "engagements/<int:commitment_id>/modifier/",
        commitments.commitment_edit,
        name="commitment_edit",
    ),
    path(
        "engagements/<int:commitment_id>/indicateurs/nouveau/",
        commitments.indicator_new,
        name="indicator_new",
    ),
    path("indicateurs/<int:indicator_id>/", commitments.indicator_detail, name="indicator_detail"),
    path(
        "indicateurs/<int:indicator_id>/modifier/",
        commitments.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "indicateurs/<int:indicator_id>/mesures/nouvelle/",
        commitments.measurement_create,
        name="measurement_create",
    ),
    path(
        "mesures/<int:measurement_id>/modifier/",
        commitments.measurement_edit,
        name="measurement_edit",
    ),
    path(
        "mesures/<int:measurement_id>/confirmer/",
        commitments.measurement_confirm_view,
        name="measurement_confirm",
    ),
    path("actions/", actions.action_list, name="action_list"),
    path("actions/miennes/", actions.my_actions, name="my_actions"),
    path("actions/nouvelle/", actions.action_new, name="action_new"),
    path("actions/<int:action_id>/", actions.action_detail, name="action_detail"),
    path("actions/<int:action_id>/modifier/", actions.action_edit, name="action_edit"),
    path(
        "preuves/ajouter/<str:target_kind>/<int:target_id>/",
        evidence.evidence_new,
        name="evidence_new",
    ),
    path(
        "preuves/<int:evidence_id>/fichier/", evidence.evidence_download, name="evidence_download"
    ),
    path("transparence/<slug:slug>/", public.transparency, name="transparency"),
]
