"""Responses and their answers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from cooperatives.models import Programme, TenantQuerySet
from enquetes.models.campaigns import Campaign, Invitation
from enquetes.models.questionnaires import Question


class Response(models.Model):
    """The submitted answers of one invitee (answers in progress are a draft on the invitation).
    In an anonymous campaign it has no link to its invitation and no date: no page, export or
    admin can link answers to a person. The primary key is random so that the order of rows
    reveals nothing either."""

    class Channel(models.TextChoices):
        WEB = "web", "Internet"
        PHONE = "phone", "Téléphone"
        PAPER = "paper", "Papier"

    cooperative_path = "campaign__cooperative"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField("canal", max_length=10, choices=Channel.choices, default="web")
    completed = models.BooleanField("complète", default=False)
    submitted_on = models.DateField("envoyée le", null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Pour une réponse recueillie par téléphone ou sur papier.",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "réponse"
        constraints = [
            models.UniqueConstraint(fields=["invitation"], name="one_response_per_invitation"),
        ]
        indexes = [models.Index(fields=["campaign", "completed"])]

    def __str__(self) -> str:
        return f"Réponse {self.pk}"


class Answer(models.Model):
    """One value given to one question. A multiple-choice question has one row per ticked option;
    a free-text answer keeps its words in `text`. No sequence, no timestamp."""

    pk = models.CompositePrimaryKey("response_id", "question_id", "value")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.CharField(max_length=60, blank=True, default="")
    text = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = "valeur de réponse"
        indexes = [models.Index(fields=["question", "value"], name="answer_question_value")]
        constraints = [
            models.CheckConstraint(
                name="answer_has_a_value_or_text", condition=~Q(value="") | ~Q(text="")
            )
        ]

    def __str__(self) -> str:
        return self.value or self.text[:40]


class CampaignTally(models.Model):
    """The counts every results figure of a closed campaign is computed from (`enquetes.tallies`),
    stored once it is closed so that its results page, the report and the survey-fed indicators
    read one row instead of its answers. Only a closed campaign has one; a response entered
    after the closing (paper, phone) deletes it, and the periodic job stores it again."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )
    counts = models.JSONField("décomptes")
    computed_at = models.DateTimeField("calculés le")

    class Meta:
        verbose_name = "décomptes d'une campagne"
        verbose_name_plural = "décomptes des campagnes"

    def __str__(self) -> str:
        return f"Décomptes de la campagne {self.campaign_id}"


class SealedResponse(models.Model):
    """An anonymous submission waiting in the pool: the answers of one person, without link to
    the invitation, written in the transaction that marks the invitation answered.

    It becomes a Response later, in another transaction that turns many of them into responses
    in a random order (`enquetes.services.pool.pool_flush`), and is then deleted: neither the
    response's transaction id (`xmin`) nor its place in the table follows the invitation's.
    `answers` holds the rows to write, `[[question id, value, text], ...]`.
    """

    cooperative_path = "campaign__cooperative"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(
        "canal", max_length=10, choices=Response.Channel.choices, default="web"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answers = models.JSONField(default=list)
    # When it entered the pool: a pool that waits longer than ANONYMOUS_POOL_MAX_WAIT is
    # flushed however small. Deleted with the row.
    sealed_at = models.DateTimeField()

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "réponse anonyme en attente"
        indexes = [models.Index(fields=["campaign", "sealed_at"], name="sealed_campaign_age")]

    def __str__(self) -> str:
        return "Réponse anonyme en attente"
