from django.urls import path

from cooperatives.two_factor import views as two_factor
from cooperatives.views import buyers, cooperative, federation, imports, programmes, users

urlpatterns = [
    # Programmes and their lots
    path("programmes/", programmes.programme_list, name="programme_list"),
    path("programmes/nouveau/", programmes.programme_new, name="programme_new"),
    path("programmes/<int:programme_id>/", programmes.programme_detail, name="programme_detail"),
    path(
        "programmes/<int:programme_id>/modifier/", programmes.programme_edit, name="programme_edit"
    ),
    path("programmes/<int:programme_id>/lots/nouveau/", programmes.lot_new, name="lot_new"),
    path("lots/<int:lot_id>/modifier/", programmes.lot_edit, name="lot_edit"),
    # Buyers and the dates of their journey
    path("programmes/<int:programme_id>/acquereurs/nouveau/", buyers.buyer_new, name="buyer_new"),
    path("acquereurs/<int:buyer_id>/", buyers.buyer_detail, name="buyer_detail"),
    path("acquereurs/<int:buyer_id>/modifier/", buyers.buyer_edit, name="buyer_edit"),
    # Buyer files: the format, its template, the import
    path("acquereurs/fichier/", imports.buyer_file_format, name="buyer_file_format"),
    path(
        "acquereurs/fichier/modele.csv",
        imports.buyer_file_template,
        {"kind": "csv"},
        name="buyer_file_template_csv",
    ),
    path(
        "acquereurs/fichier/modele.xlsx",
        imports.buyer_file_template,
        {"kind": "xlsx"},
        name="buyer_file_template_xlsx",
    ),
    path("acquereurs/importer/", imports.buyer_import, name="buyer_import"),
    path(
        "acquereurs/importer/<int:buyer_import_id>/confirmer/",
        imports.buyer_import_confirm_view,
        name="buyer_import_confirm",
    ),
    path(
        "acquereurs/importer/traitement/<int:buyer_import_job_id>/",
        imports.buyer_import_job,
        name="buyer_import_job",
    ),
    path(
        "acquereurs/importer/traitement/<int:buyer_import_job_id>/relancer/",
        imports.buyer_import_job_retry,
        name="buyer_import_job_retry",
    ),
    # The cooperative's settings
    path("cooperative/parametres/", cooperative.cooperative_settings, name="cooperative_settings"),
    # The team: accounts run by the directors
    path("equipe/", users.user_list, name="user_list"),
    path("equipe/inviter/", users.user_invite, name="user_invite"),
    path("equipe/<int:user_id>/", users.user_detail, name="user_detail"),
    path("equipe/<int:user_id>/desactiver/", users.user_deactivate, name="user_deactivate"),
    path("equipe/<int:user_id>/reactiver/", users.user_reactivate, name="user_reactivate"),
    path(
        "equipe/<int:user_id>/inviter-a-nouveau/",
        users.user_invitation_resend,
        name="user_invitation_resend",
    ),
    path(
        "equipe/<int:user_id>/double-authentification/reinitialiser/",
        users.user_second_factor_reset,
        name="user_second_factor_reset",
    ),
    # One's own second factor
    path("compte/double-authentification/", two_factor.second_factor, name="second_factor"),
    path(
        "compte/double-authentification/activer/",
        two_factor.second_factor_enrol,
        name="second_factor_enrol",
    ),
    path(
        "compte/double-authentification/activer/commencer/",
        two_factor.second_factor_start,
        name="second_factor_start",
    ),
    path(
        "compte/double-authentification/verifier/",
        two_factor.second_factor_verify,
        name="second_factor_verify",
    ),
    path("compte/double-authentification/codes/", two_factor.recovery_codes, name="recovery_codes"),
    path(
        "compte/double-authentification/codes/nouveaux/",
        two_factor.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path(
        "compte/double-authentification/desactiver/",
        two_factor.second_factor_disable,
        name="second_factor_disable",
    ),
    # A federation's cooperatives, created by its administrator
    path(
        "federation/cooperatives/",
        federation.federation_cooperatives,
        name="federation_cooperatives",
    ),
    path("federation/cooperatives/nouvelle/", federation.cooperative_new, name="cooperative_new"),
]
