from django.urls import path

from enquetes.views import answer, campaigns, exports, questionnaires, results

# Buyers (public, by token): included by coopqualite/urls.py before every other pattern, so
# that the portal's most requested pages resolve without trying each staff pattern first (after
# them, resolving a survey page took about as long as drawing it).
buyer_urlpatterns = [
    path("r/<str:token>/", answer.survey_start, name="survey_start"),
    path("r/<str:token>/page/<int:number>/", answer.survey_page, name="survey_page"),
    path("r/<str:token>/merci/", answer.survey_thanks, name="survey_thanks"),
    path("d/<str:token>/", answer.unsubscribe, name="unsubscribe"),
]

# Staff
urlpatterns = [
    path("enquetes/", campaigns.campaign_list, name="campaign_list"),
    path("enquetes/nouvelle/", campaigns.campaign_new, name="campaign_new"),
    path("enquetes/nouvelle/formulaire/", campaigns.campaign_new_form, name="campaign_new_form"),
    path("enquetes/<int:campaign_id>/", campaigns.campaign_detail, name="campaign_detail"),
    path(
        "enquetes/<int:campaign_id>/lancer/",
        campaigns.campaign_launch_view,
        name="campaign_launch",
    ),
    path(
        "enquetes/<int:campaign_id>/renvoyer/",
        campaigns.campaign_messages_resend_view,
        name="campaign_messages_resend",
    ),
    path(
        "enquetes/<int:campaign_id>/import/",
        campaigns.population_import,
        name="population_import",
    ),
    path(
        "enquetes/<int:campaign_id>/import/<int:import_id>/confirmer/",
        campaigns.population_import_confirm_view,
        name="population_import_confirm",
    ),
    path(
        "enquetes/<int:campaign_id>/import/traitement/<int:population_import_job_id>/",
        campaigns.population_import_job,
        name="population_import_job",
    ),
    path(
        "enquetes/<int:campaign_id>/import/traitement/<int:population_import_job_id>/relancer/",
        campaigns.population_import_job_retry,
        name="population_import_job_retry",
    ),
    path(
        "enquetes/invitations/<int:invitation_id>/saisie/",
        campaigns.response_entry,
        name="response_entry",
    ),
    path(
        "enquetes/<int:campaign_id>/resultats/",
        results.campaign_results_view,
        name="campaign_results",
    ),
    path(
        "enquetes/<int:campaign_id>/commentaires/",
        results.campaign_comments,
        name="campaign_comments",
    ),
    path("enquetes/<int:campaign_id>/export.csv", exports.export_csv, name="campaign_export_csv"),
    path(
        "enquetes/<int:campaign_id>/exports/",
        exports.export_request_view,
        name="campaign_export_request",
    ),
    path(
        "enquetes/<int:campaign_id>/exports/<int:export_job_id>/",
        exports.export_download,
        name="campaign_export_download",
    ),
    path(
        "enquetes/<int:campaign_id>/exports/<int:export_job_id>/relancer/",
        exports.export_retry_view,
        name="campaign_export_retry",
    ),
    path("enquetes/federation/", results.federation_surveys, name="federation_surveys"),
    path("questionnaires/", questionnaires.questionnaire_list, name="questionnaire_list"),
    path(
        "questionnaires/<int:questionnaire_id>/",
        questionnaires.questionnaire_detail,
        name="questionnaire_detail",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/nouvelle-version/",
        questionnaires.questionnaire_version,
        name="questionnaire_version",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/sections/nouvelle/",
        questionnaires.section_new,
        name="section_new",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/questions/nouvelle/",
        questionnaires.question_new,
        name="question_new",
    ),
    path(
        "questions/<int:question_id>/modifier/", questionnaires.question_edit, name="question_edit"
    ),
]
