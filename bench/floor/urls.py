"""The floor's two views, as plain as Django allows.

- GET  /floor/<questionnaire id>/: one query reading the questionnaire's questions, a trivial
  response;
- POST /floor/<questionnaire id>/<response uuid>/: one bulk insert of the posted answers
  (q<question id>=value) for a response created beforehand, a trivial response.
"""

from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import path

from bench.floor.models import Answer, Question


def floor_get(request, questionnaire_id: int):
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    questions = list(
        Question.objects.filter(questionnaire_id=questionnaire_id).order_by("position", "pk")
    )
    return HttpResponse(f"{len(questions)} questions", content_type="text/plain")


def floor_post(request, questionnaire_id: int, response_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    rows = [
        Answer(response_id=response_id, question_id=int(name[1:]), value=value)
        for name, value in request.POST.items()
        if name.startswith("q")
    ]
    Answer.objects.bulk_create(rows)
    return HttpResponse(f"{len(rows)} answers", content_type="text/plain")


urlpatterns = [
    path("floor/<int:questionnaire_id>/", floor_get),
    path("floor/<int:questionnaire_id>/<uuid:response_id>/", floor_post),
]
