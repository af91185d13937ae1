from django.urls import path

from rgpd import views, views_rights

urlpatterns = [
    path("confidentialite/", views.privacy_general, name="privacy_general"),
    path("confidentialite/<slug:slug>/", views.privacy_notice, name="privacy_notice"),
    path("donnees-personnelles/notice/", views.privacy_notice_edit, name="privacy_notice_edit"),
    path("donnees-personnelles/conservation/", views.privacy_retention, name="privacy_retention"),
    path("donnees-personnelles/exports/", views_rights.privacy_exports, name="privacy_exports"),
    path("donnees-personnelles/registre/", views_rights.privacy_register, name="privacy_register"),
    path(
        "acquereurs/<int:buyer_id>/donnees/export/",
        views_rights.buyer_data_export,
        name="buyer_data_export",
    ),
    path(
        "acquereurs/<int:buyer_id>/donnees/effacement/",
        views_rights.buyer_data_erase,
        name="buyer_data_erase",
    ),
]
