"""A minimal Django project, the floor of bench/survey_answering.py: no middleware, one app of
two unmanaged models over the survey tables, two views doing the essential database work of a
survey page and nothing else (one read for a GET, one insert for a POST). It runs under the same
gunicorn configuration as the portal, on the same database, so that the bench compares the
portal's pages with what bare Django can do on this machine at that moment.

Only ever served by bench/survey_answering.py (DJANGO_SETTINGS_MODULE=bench.floor.settings).
"""
