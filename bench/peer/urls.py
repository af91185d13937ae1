"""The peer's survey pages under /survey/, as its documentation mounts them."""

from django.urls import include, path

urlpatterns = [path("survey/", include("survey.urls"))]
