from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cooperatives.models import Cooperative, Permission
from coopqualite import health
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
    published = Cooperative.objects.filter(transparency_enabled=True).order_by("name")
    return render(request, "home.html", {"published": published.values("name", "slug")})


@login_not_required
@require_GET
@never_cache
def healthz(request):
    """Readiness of every part, within 3 s whatever hangs: 200 when each part answers (or is
    "disabled": not configured, by design), 503 naming the failing part otherwise."""
    checks = health.statuses()
    healthy = all(value in (health.OK, health.DISABLED) for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


@login_not_required
@require_GET
@cacheable
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the static icon."""
    return redirect(static("favicon.ico"), permanent=True)
