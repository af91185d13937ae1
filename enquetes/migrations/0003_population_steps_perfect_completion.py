"""The journey step "in the year of perfect completion" is called perfect_completion everywhere
(it was stored as parfait_achevement in the population filter of campaigns)."""

from django.db import migrations

RENAMES = {"parfait_achevement": "perfect_completion"}


def _rename_steps(apps, renames: dict[str, str]) -> None:
    Campaign = apps.get_model("enquetes", "Campaign")
    for campaign in Campaign.objects.filter(population__has_key="steps").only("population"):
        steps = campaign.population.get("steps") or []
        renamed = [renames.get(step, step) for step in steps]
        if renamed != steps:
            campaign.population = {**campaign.population, "steps": renamed}
            campaign.save(update_fields=["population"])


def forwards(apps, schema_editor):
    _rename_steps(apps, RENAMES)


def backwards(apps, schema_editor):
    _rename_steps(apps, {new: old for old, new in RENAMES.items()})


class Migration(migrations.Migration):
    dependencies = [("enquetes", "0002_invitation_draft")]

    operations = [migrations.RunPython(forwards, backwards)]
