from django.urls import path

from rapports import views

urlpatterns = [
    path("rapports/", views.report_list, name="report_list"),
    path("rapports/nouveau/", views.report_new, name="report_new"),
    path("rapports/<int:report_id>/", views.report_detail, name="report_detail"),
    path("rapports/<int:report_id>/pdf/", views.report_download, name="report_download"),
    path("rapports/apercu/<slug:slug>/<int:year>/", views.report_preview, name="report_preview"),
]
