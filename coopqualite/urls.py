from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cooperatives.forms import PasswordResetRequestForm
from coopqualite import views
from enquetes.urls import buyer_urlpatterns

admin.site.site_header = "Coopqualité — administration"
admin.site.site_title = "Coopqualité"

urlpatterns = [
    path("", include(buyer_urlpatterns)),  # first: see enquetes/urls.py
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    # First of the apps: the buyer's space is the busiest part of the site after the survey
    # links, and each app tried before it costs every request its patterns (bench/buyer_space.py).
    path("", include("espace.urls")),
    path(
        "accounts/password_reset/",
        # The mail is sent by a task: the page answers alike for known and unknown addresses.
        auth_views.PasswordResetView.as_view(form_class=PasswordResetRequestForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("cooperatives.urls")),
    path("", include("engagements.urls")),
    path("", include("enquetes.urls")),
    path("", include("sav.urls")),
    path("", include("chantiers.urls")),
    path("", include("rapports.urls")),
    path("", include("rgpd.urls")),
]
