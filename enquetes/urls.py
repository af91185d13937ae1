from django.urls import path

from enquetes.views import answer

urlpatterns = [
    path("r/<str:token>/", answer.survey_start, name="survey_start"),
    path("r/<str:token>/page/<int:number>/", answer.survey_page, name="survey_page"),
    path("r/<str:token>/merci/", answer.survey_thanks, name="survey_thanks"),
    path("d/<str:token>/", answer.unsubscribe, name="unsubscribe"),
]
