from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cooperatives.models import Permission
from coopqualite.celery import app as celery_app
from coopqualite.middleware import cacheable


@login_not_required
@cacheable
def home(request):
    """Public landing page; a signed-in user goes straight to the home of their role."""
    user = request.user
    if user.is_authenticated:
        if user.may(Permission.READ_FEDERATION):
            return redirect("federation_overview")
        if user.cooperative_id:
            return redirect("scorecard")
    return render(request, "home.html")


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return "error"
    return "ok"


def _broker_status() -> str:
    if celery_app.conf.task_always_eager or not celery_app.conf.broker_url:
        return "disabled"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception:
        return "error"
    return "ok"


@login_not_required
@require_GET
@never_cache
def healthz(request):
    """Liveness and readiness: 200 when the database and the broker answer, 503 otherwise.

    "disabled" means no broker is configured (tasks run in-process): healthy by design.
    """
    checks = {"database": _database_status(), "broker": _broker_status()}
    healthy = all(value in ("ok", "disabled") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
