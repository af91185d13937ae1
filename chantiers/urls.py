from django.urls import path

from chantiers import views

urlpatterns = [
    path("programmes/<int:programme_id>/chantier/", views.programme_works, name="programme_works"),
    path(
        "programmes/<int:programme_id>/chantier/etapes-essentielles/",
        views.phases_create,
        name="phases_create",
    ),
    path(
        "programmes/<int:programme_id>/chantier/etapes/nouvelle/",
        views.phase_new,
        name="phase_new",
    ),
    path("chantier/etapes/<int:phase_id>/modifier/", views.phase_edit, name="phase_edit"),
    path("chantier/etapes/<int:phase_id>/lettres/nouvelle/", views.letter_new, name="letter_new"),
    path("chantier/lettres/<int:letter_id>/", views.letter_detail, name="letter_detail"),
    path("chantier/lettres/<int:letter_id>/modifier/", views.letter_edit, name="letter_edit"),
    path(
        "chantier/lettres/<int:letter_id>/publier/",
        views.letter_publish_view,
        name="letter_publish",
    ),
    path("chantier/lettres/<int:letter_id>/document.pdf", views.letter_pdf, name="letter_pdf"),
    path("chantier/photos/<int:photo_id>/", views.letter_photo, name="letter_photo"),
    path(
        "chantier/photos/<int:photo_id>/retirer/",
        views.letter_photo_remove,
        name="letter_photo_remove",
    ),
    path("chantier/noms-des-etapes/", views.phase_names, name="phase_names"),
]
