from django.urls import path

from sav.views import callbacks, claims, companies, inbox

urlpatterns = [
    # The inbox
    path("sav/", inbox.claim_inbox, name="claim_inbox"),
    path("sav/mes-dossiers/", inbox.my_claims, name="my_claims"),
    path("sav/export.xlsx", inbox.claim_export, name="claim_export"),
    path("sav/affecter/", inbox.claims_bulk_assign, name="claims_bulk_assign"),
    # The call-backs of the closed loop
    path("sav/rappels/", callbacks.callback_list, name="callback_list"),
    path("sav/rappels/<int:callback_id>/", callbacks.callback_detail, name="callback_detail"),
    path(
        "sav/rappels/<int:callback_id>/issue/",
        callbacks.callback_outcome,
        name="callback_outcome",
    ),  # fmt: skip
    # One claim
    path("acquereurs/<int:buyer_id>/sav/nouvelle/", claims.claim_new, name="claim_new"),
    path("sav/<int:claim_id>/", claims.claim_detail, name="claim_detail"),
    path("sav/<int:claim_id>/refuser/", claims.claim_refuse, name="claim_refuse"),
    path("sav/<int:claim_id>/planifier/", claims.claim_assign, name="claim_assign"),
    path("sav/<int:claim_id>/etape/<slug:step>/", claims.claim_step, name="claim_step"),
    # Companies, their signed links, the deadlines
    path("sav/entreprises/", companies.company_list, name="company_list"),
    path("sav/entreprises/nouvelle/", companies.company_new, name="company_new"),
    path("sav/entreprises/<int:company_id>/", companies.company_detail, name="company_detail"),
    path("sav/delais/", companies.service_level, name="service_level"),
    path("entreprise/<str:link>/", companies.company_reserves, name="company_reserves"),
    path(
        "entreprise/<str:link>/reserves.pdf",
        companies.company_reserves_pdf,
        name="company_reserves_pdf",
    ),  # fmt: skip
    path(
        "entreprise/<str:link>/<int:claim_id>/realisee/",
        companies.company_claim_done,
        name="company_claim_done",
    ),  # fmt: skip
]
