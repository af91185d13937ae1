from django.urls import path

from espace.views import claims, letters, pages, signin, staff

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
    path("mon-espace/documents/", pages.documents, name="espace_documents"),
    path("mon-espace/documents/<int:document_id>/", pages.document, name="espace_document"),
    # Staff: documents shared with a buyer
    path("acquereurs/<int:buyer_id>/documents/", staff.buyer_documents, name="buyer_documents"),
    path(
        "documents-partages/<int:document_id>/",
        staff.buyer_document_download,
        name="buyer_document_download",
    ),
    path(
        "documents-partages/<int:document_id>/retirer/",
        staff.buyer_document_remove,
        name="buyer_document_remove",
    ),
    # After-sales: the household's claims
    path("mon-espace/sav/", claims.claims, name="espace_claims"),
    path("mon-espace/sav/nouvelle/", claims.claim_new, name="espace_claim_new"),
    path("mon-espace/sav/<int:claim_id>/", claims.claim, name="espace_claim"),
    path(
        "mon-espace/sav/<int:claim_id>/<slug:answer>/",
        claims.claim_answer,
        name="espace_claim_answer",
    ),
    path("mon-espace/sav/photos/<int:photo_id>/", claims.claim_photo, name="espace_claim_photo"),
]
