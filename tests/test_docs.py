"""The README stays true: its "Background jobs" table names every periodic job of the settings,
and each command it names exists."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

README = Path(__file__).resolve().parent.parent / "README.md"


def _jobs_table() -> list[list[str]]:
    """The rows of the README's "Background jobs" table, as lists of cells (header excluded)."""
    section = README.read_text(encoding="utf-8").split("\n## Background jobs\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def test_every_beat_entry_is_in_the_readme_jobs_table():
    named = {re.sub(r"`", "", row[0]) for row in _jobs_table()}
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert tasks - named == set()


def test_the_readme_jobs_table_names_no_job_the_schedule_lacks():
    named = {re.sub(r"`", "", row[0]) for row in _jobs_table()}
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert named - tasks == set()


def test_every_command_of_the_readme_jobs_table_exists():
    commands = {re.search(r"manage\.py (\w+)", row[2]).group(1) for row in _jobs_table()}

    assert commands - set(get_commands()) == set()
    assert len(commands) == len(settings.CELERY_BEAT_SCHEDULE)
