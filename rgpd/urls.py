from django.urls import path

from rgpd import views

urlpatterns = [
    path("confidentialite/", views.privacy_general, name="privacy_general"),
    path("confidentialite/<slug:slug>/", views.privacy_notice, name="privacy_notice"),
    path("donnees-personnelles/notice/", views.privacy_notice_edit, name="privacy_notice_edit"),
    path("donnees-personnelles/conservation/", views.privacy_retention, name="privacy_retention"),
]
