from django.db import migrations

from engagements.reference import PRINCIPLES


def load_principles(apps, schema_editor):
    Principle = apps.get_model("engagements", "Principle")
    for position, (code, name, description) in enumerate(PRINCIPLES, start=1):
        Principle.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("engagements", "0001_initial")]

    operations = [migrations.RunPython(load_principles, migrations.RunPython.noop)]
