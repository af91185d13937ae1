"""The navigation: what each role may use. Views enforce the same rules on the server."""

from django.urls import reverse

from cooperatives.models import Permission


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    if user.may(Permission.READ):
        items.append(("Tableau de bord", reverse("scorecard")))
        items.append(("Actions", reverse("action_list")))
        items.append(("Charte", reverse("commitment_list")))
        items.append(("Enquêtes", reverse("campaign_list")))
        items.append(("Rapport annuel", reverse("report_list")))
    if user.may(Permission.READ_BUYERS):
        items.append(("Programmes", reverse("programme_list")))
        items.append(("SAV", reverse("claim_inbox")))
    if user.may(Permission.MANAGE):
        items.append(("Équipe", reverse("user_list")))
        items.append(("Paramètres", reverse("cooperative_settings")))
        items.append(("Données personnelles", reverse("privacy_notice_edit")))
    if user.may(Permission.READ_FEDERATION):
        items.append(("Fédération", reverse("federation_overview")))
        items.append(("Enquêtes triennales", reverse("federation_surveys")))
    if user.may(Permission.ADMINISTER_FEDERATION):
        items.append(("Coopératives", reverse("federation_cooperatives")))
    if user.is_superuser:
        items.append(("Administration", reverse("admin:index")))
    path = request.path
    return {
        "nav_items": [
            {"label": label, "url": url, "active": path.startswith(url)} for label, url in items
        ]
    }
