from django.urls import path

from cooperatives import views

urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<int:programme_id>/", views.programme_detail, name="programme_detail"),
    path("cooperative/parametres/", views.cooperative_settings, name="cooperative_settings"),
]
