from django.urls import path

from espace.views import pages, signin

urlpatterns = [
    path("mon-espace/", pages.home, name="espace_home"),
    path("mon-espace/connexion/", signin.signin, name="espace_signin"),
    path("mon-espace/connexion/<str:token>/", signin.signin_link, name="espace_signin_link"),
    path("mon-espace/deconnexion/", signin.signout, name="espace_signout"),
]
