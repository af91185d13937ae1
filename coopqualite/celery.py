import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopqualite.settings")

app = Celery("coopqualite")
app.config_from_object("django.conf:settings", namespace="CELERY")
# tasks.py: the work queued by services; periodic.py: the entries of the beat schedule.
app.autodiscover_tasks()
app.autodiscover_tasks(related_name="periodic")
