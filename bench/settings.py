"""Settings of the survey-answering benchmark: the project's, plus the bare views of bench.urls.

Only ever used by bench/survey_answering.py (DJANGO_SETTINGS_MODULE=bench.settings).
"""

from coopqualite.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
