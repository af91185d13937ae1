"""The survey e-mails of a sending batch (enquetes.emails.SurveyEmails): templates rendered once
per campaign and reminder, each person's values put in, the same e-mails as survey_invitation."""

from __future__ import annotations

import pytest
from django.test.signals import template_rendered
from django.utils import timezone

from enquetes.emails import SurveyEmails, survey_invitation
from enquetes.models import Invitation
from tests.enquetes.factories import campaign_launched

HTML = "emails/survey_invitation_body.html"


def described(message) -> tuple:
    return (
        message.subject, message.body, message.alternatives, message.extra_headers,
        message.to, message.from_email,
    )  # fmt: skip


@pytest.fixture
def html_renders():
    names: list[str] = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield lambda: names.count(HTML)
    template_rendered.disconnect(record)


def people(campaign) -> list[Invitation]:
    """The campaign's buyers (with a space link), and people whose names need escaping, one
    without a first name, one who is not a buyer of the portal."""
    expires = campaign.closes_at
    extra = [
        Invitation(campaign=campaign, first_name="Loïc & <Anne>", last_name="O'Brien \"fils\"",
                   email="loic@example.org", expires_at=expires),
        Invitation(campaign=campaign, first_name="", last_name="Martin",
                   email="martin@example.org", expires_at=expires),
        Invitation(campaign=campaign, first_name="Zoé", last_name="Lefèvre",
                   email="zoe@example.org", expires_at=expires),
    ]  # fmt: skip
    Invitation.objects.bulk_create(extra)
    return list(
        Invitation.objects.filter(campaign=campaign)
        .select_related("campaign__cooperative", "campaign__questionnaire")
        .order_by("pk")
    )


@pytest.mark.parametrize("reminder", [0, 1])
def test_each_person_gets_the_same_email_as_survey_invitation_builds(
    coop_a, programme_a, time_machine, reminder
):
    time_machine.move_to(timezone.now(), tick=False)  # the space links are dated
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=3)
    invitations = people(campaign)
    emails = SurveyEmails()

    built = [described(emails(invitation, reminder=reminder)) for invitation in invitations]

    assert built == [described(survey_invitation(i, reminder=reminder)) for i in invitations]
    assert len(built) == 6
    assert "Loïc &amp; &lt;Anne&gt; O&#x27;Brien &quot;fils&quot;" in built[3][2][0][0]
    assert 'Bonjour Loïc & <Anne> O\'Brien "fils",' in built[3][1]


def test_an_invitation_naming_its_subject_after_one_that_does_not_keeps_its_subject(
    coop_a, programme_a
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=2)
    first, second = people(campaign)[:2]
    Invitation.objects.filter(pk=second.pk).update(subject="votre demande SAV-12 : plomberie")
    second.refresh_from_db()
    emails = SurveyEmails()

    emails(first)
    email = emails(second)

    assert "Elle porte sur votre demande SAV-12 : plomberie." in email.body
    assert described(email) == described(survey_invitation(second))


def test_the_templates_are_rendered_once_per_kind_of_recipient_after_a_checked_first(
    coop_a, programme_a, html_renders
):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=5)
    invitations = people(campaign)  # 5 buyers, then 3 without a space link, 1 without a name
    emails = SurveyEmails()

    for invitation in invitations:
        emails(invitation, reminder=1)

    # Buyers: the first built twice (as survey_invitation does, and its skeleton), then none;
    # the same for the people without a space link, and for the one without a first name.
    assert html_renders() == 6


def test_a_template_using_a_value_the_skeleton_lacks_makes_every_email_built_in_full(
    coop_a, programme_a
):
    """As if a template printed the lot code: the skeleton would give everyone the first
    person's; the first e-mail's check sees it, and each e-mail is then built in full."""
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=3)
    invitations = people(campaign)[:3]

    def with_lot_code(invitation, *, reminder=0):
        message = survey_invitation(invitation, reminder=reminder)
        message.body += f"Lot {invitation.lot_code}\n"
        return message

    emails = SurveyEmails(reference=with_lot_code)
    bodies = [emails(invitation).body for invitation in invitations]

    lots = [invitation.lot_code for invitation in invitations]
    assert len(set(lots)) == 3
    assert [body.rsplit("Lot ", 1)[1] for body in bodies] == [f"{lot}\n" for lot in lots]


def test_a_renamed_campaign_is_read_again_by_the_next_batch(coop_a, programme_a):
    campaign = campaign_launched(cooperative=coop_a, programme=programme_a, buyers=2)
    first, second = people(campaign)[:2]
    assert SurveyEmails()(first).subject == "Coop A vous demande votre avis"
    coop_a.name = "Coop A renommée"
    coop_a.save(update_fields=["name"])
    second = Invitation.objects.select_related(  # the next batch reads its rows again
        "campaign__cooperative", "campaign__questionnaire"
    ).get(pk=second.pk)

    assert SurveyEmails()(second).subject == "Coop A renommée vous demande votre avis"
