from django.urls import path

from espace.views import letters, pages, signin

urlpatterns = [
    path("mon-espace/", pages.home, name="espace_home"),
    path("mon-espace/connexion/", signin.signin, name="espace_signin"),
    path("mon-espace/connexion/<str:token>/", signin.signin_link, name="espace_signin_link"),
    path("mon-espace/lien/<str:token>/", signin.buyer_link, name="espace_buyer_link"),
    path("mon-espace/deconnexion/", signin.signout, name="espace_signout"),
    path("mon-espace/lettres/", letters.letters, name="espace_letters"),
    path("mon-espace/lettres/<int:letter_id>/", letters.letter, name="espace_letter"),
    path(
        "mon-espace/lettres/<int:letter_id>/document.pdf",
        letters.letter_pdf,
        name="espace_letter_pdf",
    ),
    path("mon-espace/photos/<int:photo_id>/", letters.letter_photo, name="espace_letter_photo"),
]
