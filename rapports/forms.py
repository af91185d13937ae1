"""The forms of the annual report, in French."""

from __future__ import annotations

import datetime as dt
import hashlib

from django import forms
from django.db.models import Q
from django.utils import timezone

from cooperatives.models import Cooperative
from coopqualite.fields import DecimalField
from coopqualite.formats import format_date
from enquetes.models import Campaign
from rapports.models import ReportVersion
from rapports.selectors import closed_campaigns, quote_candidates


class ReportOpenForm(forms.Form):
    """Which year's report to open (its draft, created from the last version if needed)."""

    cooperative = forms.ModelChoiceField(label="Coopérative", queryset=Cooperative.objects.none())
    year = forms.TypedChoiceField(label="Année", coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cooperative"].queryset = Cooperative.objects.visible_to(user)
        if user.cooperative_id:
            self.fields["cooperative"].initial = user.cooperative_id
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, y) for y in range(this_year, this_year - 6, -1)]
        self.fields["year"].initial = this_year - 1


def quote_key(campaign_id: int, text: str) -> str:
    return f"{campaign_id}:{hashlib.sha256(text.encode()).hexdigest()[:16]}"


class CampaignChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Campaign) -> str:
        running = "" if obj.closes_on < timezone.localdate() else " — en cours, pas close"
        return (
            f"{obj.name} ({obj.get_kind_display().lower()}, du {format_date(obj.opens_on)} "
            f"au {format_date(obj.closes_on)}){running}"
        )


class ReportVersionForm(forms.ModelForm):
    """A draft: the campaigns it presents (closed ones only unless `running` asks for the
    others), the comments it quotes (chosen one by one), the texts and the figures."""

    agm_attendance = DecimalField(
        label="Participation à l'assemblée générale (%)", required=False, max_digits=4,
        decimal_places=1, min_value=0, max_value=100,
        help_text="Sociétaires présents ou représentés, en pourcentage.",
    )  # fmt: skip
    quotes = forms.MultipleChoiceField(
        label="Commentaires cités", required=False, widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Aucun commentaire n'est cité sans être coché ici. Seuls sont proposés ceux des "
            "enquêtes présentées (enregistrées) dont l'anonymat est assuré (5 répondants au moins)."
        ),
    )  # fmt: skip

    class Meta:
        model = ReportVersion
        fields = [
            "foreword", "highlights", "priorities", "campaigns", "members", "homes_built",
            "homes_sold", "programmes_delivered", "board_members", "board_meetings",
            "agm_attendance",
        ]  # fmt: skip
        field_classes = {"campaigns": CampaignChoice}
        widgets = {
            "campaigns": forms.CheckboxSelectMultiple,
            "foreword": forms.Textarea(attrs={"rows": 6}),
            "highlights": forms.Textarea(attrs={"rows": 5}),
            "priorities": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, running: bool = False, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        version = self.instance
        offered = closed_campaigns(version.cooperative, version.year, today)
        if running:
            offered = Campaign.objects.for_cooperative(version.cooperative).filter(
                launched_at__isnull=False, opens_on__year__lte=version.year,
                closes_on__year__gte=version.year,
            )  # fmt: skip
        chosen = version.campaigns.values("pk")
        campaign_field = self.fields["campaigns"]
        assert isinstance(campaign_field, CampaignChoice)
        campaign_field.queryset = (
            Campaign.objects.for_cooperative(version.cooperative)
            .filter(Q(pk__in=offered.values("pk")) | Q(pk__in=chosen))
            .order_by("opens_on", "pk")
        )
        self.fields["campaigns"].label = "Enquêtes présentées"
        self.fields["campaigns"].help_text = (
            "Seules les enquêtes closes sont proposées : une enquête en cours n'a pas de résultat "
            "définitif."
        )
        self.texts: dict[str, tuple[int, str]] = {}
        groups = []
        for campaign, texts in quote_candidates(version):
            options = []
            for text in texts:
                key = quote_key(campaign.pk, text)
                self.texts[key] = (campaign.pk, text)
                options.append((key, text))
            groups.append((campaign.name, options))
        quote_field = self.fields["quotes"]
        assert isinstance(quote_field, forms.MultipleChoiceField)
        quote_field.choices = groups
        self.initial["quotes"] = [quote_key(q["campaign"], q["text"]) for q in version.quotes]

    def chosen_quotes(self) -> list[dict]:
        return [
            {"campaign": self.texts[key][0], "text": self.texts[key][1]}
            for key in self.cleaned_data["quotes"]
        ]
