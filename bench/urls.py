"""URLs of the survey-answering benchmark: the project's, plus two bare views that do only the
essential database work of the survey page, as a baseline for requests per second.

- GET  /bench/bare/<questionnaire id>/: one query reading the questionnaire's questions, a
  trivial response (the survey page's essential read, without form or template);
- POST /bench/bare/<questionnaire id>/<response uuid>/: one bulk insert of the posted answers
  (q<question id>=value) for a Response created beforehand, then 200 (the essential write of a
  saved page);
- GET /bench/bare/espace/: one query reading the buyer's session and the buyer from the cookie,
  a trivial response (the buyer space home page's essential read, bench/buyer_space.py).
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from enquetes.models import Answer, Question
from espace.models import BuyerSession, digest


@login_not_required
@require_GET
def bare_get(request, questionnaire_id: int):
    questions = list(
        Question.objects.filter(questionnaire_id=questionnaire_id).order_by("position", "pk")
    )
    return HttpResponse(f"{len(questions)} questions", content_type="text/plain")


@login_not_required
@csrf_exempt
@require_POST
def bare_post(request, questionnaire_id: int, response_id):
    rows = [
        Answer(response_id=response_id, question_id=int(name[1:]), value=value)
        for name, value in request.POST.items()
        if name.startswith("q")
    ]
    Answer.objects.bulk_create(rows)
    return HttpResponse(f"{len(rows)} answers", content_type="text/plain")


@login_not_required
@require_GET
def bare_espace(request):
    session = (
        BuyerSession.objects.select_related("buyer")
        .filter(key_digest=digest(request.COOKIES.get("espace", "")))
        .first()
    )
    return HttpResponse(session.buyer.last_name if session else "-", content_type="text/plain")


urlpatterns = [
    path("bench/bare/espace/", bare_espace, name="bench_bare_espace"),
    path("bench/bare/<int:questionnaire_id>/", bare_get, name="bench_bare_get"),
    path(
        "bench/bare/<int:questionnaire_id>/<uuid:response_id>/", bare_post, name="bench_bare_post"
    ),
    path("", include("coopqualite.urls")),
]
