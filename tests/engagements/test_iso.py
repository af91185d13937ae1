"""The ISO 26000 self-assessment: a score per core subject and year, with evidence, strengths
and areas for progress, written by the director and read beside the previous year."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from engagements.models import IsoAssessment
from engagements.selectors import iso_chart, iso_lines
from engagements.services.iso import iso_assessment_save


def url(coop, year: int) -> str:
    return reverse("iso_assessment", args=[coop.slug, year])


def test_the_director_scores_a_subject_with_its_evidence(client, director_a, coop_a):
    client.force_login(director_a)

    response = client.post(
        url(coop_a, 2025),
        {
            "environment-score": "3", "environment-evidence": "Bilan carbone 2025",
            "environment-strengths": "Chantiers sobres", "environment-progress_areas": "Mobilité",
        },
    )  # fmt: skip

    assert response.status_code == 302
    row = IsoAssessment.objects.get()
    assert (row.year, row.subject, row.score) == (2025, "environment", 3)
    assert (row.evidence, row.strengths, row.progress_areas) == (
        "Bilan carbone 2025", "Chantiers sobres", "Mobilité",
    )  # fmt: skip
    assert row.history.get().history_user == director_a


def test_a_subject_left_without_score_is_not_assessed(director_a, coop_a):
    iso_assessment_save(
        cooperative=coop_a, year=2025, user=director_a, rows={"labour": {"score": 2}}
    )

    iso_assessment_save(cooperative=coop_a, year=2025, user=director_a, rows={})

    assert not IsoAssessment.objects.exists()


def test_a_score_outside_one_to_four_is_refused_by_the_database(coop_a):
    with pytest.raises(IntegrityError):
        IsoAssessment.objects.create(cooperative=coop_a, year=2025, subject="labour", score=5)


@pytest.mark.parametrize("persona", ["staff_a", "board_a"])
def test_only_the_director_writes_the_assessment(client, request, coop_a, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(url(coop_a, 2025), {"labour-score": "4"})

    assert response.status_code == 403
    assert not IsoAssessment.objects.exists()


def test_the_assessment_is_read_beside_the_previous_year(coop_a, director_a):
    iso_assessment_save(
        cooperative=coop_a, year=2024, user=director_a, rows={"governance": {"score": 2}}
    )
    iso_assessment_save(
        cooperative=coop_a, year=2025, user=director_a,
        rows={"governance": {"score": 3}, "community": {"score": 1}},
    )  # fmt: skip

    lines = {line.subject: (line.previous, line.score) for line in iso_lines(coop_a, 2025)}

    assert lines == {
        "governance": (2, 3), "human_rights": (None, None), "labour": (None, None),
        "environment": (None, None), "fair_practices": (None, None),
        "consumers": (None, None), "community": (None, 1),
    }  # fmt: skip


def test_the_chart_compares_the_two_years_on_a_scale_of_four(coop_a, director_a):
    iso_assessment_save(
        cooperative=coop_a, year=2025, user=director_a, rows={"governance": {"score": 3}}
    )

    svg = str(iso_chart(iso_lines(coop_a, 2025), 2025))

    assert svg.startswith("<svg")
    assert "Autoévaluation ISO 26000 : notes 2024 et 2025 (sur 4)" in svg


def test_an_outsider_does_not_see_the_assessment(client, staff_b, coop_a):
    client.force_login(staff_b)

    assert client.get(url(coop_a, 2025)).status_code == 404
