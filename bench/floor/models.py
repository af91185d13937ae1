"""The two survey tables the floor reads and writes, as unmanaged models (only the columns it
needs: the others have defaults or accept NULL)."""

from django.db import models


class Question(models.Model):
    questionnaire_id = models.BigIntegerField()
    position = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        managed = False
        db_table = "enquetes_question"

    def __str__(self) -> str:
        return self.text


class Answer(models.Model):
    pk = models.CompositePrimaryKey("response_id", "question_id", "value")
    response_id = models.UUIDField()
    question_id = models.BigIntegerField()
    value = models.CharField(max_length=60)
    text = models.TextField(default="")

    class Meta:
        managed = False
        db_table = "enquetes_answer"

    def __str__(self) -> str:
        return self.value
