from django.urls import path

from engagements import views

urlpatterns = [
    path("engagements/", views.commitment_list, name="commitment_list"),
]
