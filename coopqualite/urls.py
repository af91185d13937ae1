from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from coopqualite import views

admin.site.site_header = "Coopqualité — administration"
admin.site.site_title = "Coopqualité"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(
            subject_template_name="emails/password_reset_subject.txt",
            email_template_name="emails/password_reset_body.txt",
            html_email_template_name="emails/password_reset_body.html",
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("cooperatives.urls")),
    path("", include("engagements.urls")),
    path("", include("enquetes.urls")),
    path("", include("rapports.urls")),
]
