from django.urls import path

from rapports import views

urlpatterns = [
    path("rapports/", views.report_list, name="report_list"),
    path("rapports/nouveau/", views.report_new, name="report_new"),
    path("rapports/versions/<int:version_id>/", views.report_version_detail,
         name="report_version_detail"),
    path("rapports/versions/<int:version_id>/modifier/", views.report_version_edit,
         name="report_version_edit"),
    path("rapports/versions/<int:version_id>/construire/", views.report_version_build,
         name="report_version_build"),
    path("rapports/versions/<int:version_id>/approuver/", views.report_version_approve_view,
         name="report_version_approve"),
    path("rapports/versions/<int:version_id>/apercu/", views.report_preview,
         name="report_preview"),
    path("rapports/<int:report_id>/", views.report_detail, name="report_detail"),
    path("rapports/<int:report_id>/relancer/", views.report_retry_view, name="report_retry"),
    path("rapports/<int:report_id>/pdf/", views.report_download, name="report_download"),
]  # fmt: skip
