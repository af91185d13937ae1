"""The chart primitives of coopqualite/charts.py: round ticks, readable labels, French numbers,
a text alternative, nothing beyond 100 %."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from coopqualite.charts import (
    FONT,
    MIN_FONT,
    PHONE,
    WIDTH,
    Bar,
    KeyFigure,
    Point,
    Series,
    bar_chart,
    grouped_bar_chart,
    line_chart,
    nice_ticks,
    progress_chart,
    rendered_font,
    shown_labels,
)
from coopqualite.formats import NBSP, NNBSP, format_day_short, format_month_short


def ticks(*args, **kwargs) -> list[str]:
    return [str(t) for t in nice_ticks(*args, **kwargs)]


def texts(svg: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def bar_ends(svg: str) -> list[float]:
    return [
        float(x) + float(w)
        for x, w in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    ]


def test_a_percentage_axis_of_88_4_has_ticks_every_20_up_to_100():
    assert ticks(0, 88.4, percent=True) == ["0", "20", "40", "60", "80", "100"]


def test_an_axis_up_to_473_has_ticks_every_100_up_to_500():
    assert ticks(0, 473) == ["0", "100", "200", "300", "400", "500"]


def test_the_old_62_473_884_axis_becomes_round():
    assert ticks(62, 884) == ["0", "200", "400", "600", "800", "1000"]


def test_a_percentage_axis_never_goes_beyond_100():
    assert ticks(0, 120, percent=True)[-1] == "100"
    assert ticks(96, 99.5, zero=False, percent=True)[-1] == "100"


def test_an_axis_away_from_zero_steps_by_2_5_times_a_power_of_ten():
    assert ticks(85, 95, zero=False, intervals=4) == ["85", "87.5", "90", "92.5", "95"]


def test_a_count_axis_has_whole_steps():
    assert ticks(0, 3, integer=True) == ["0", "1", "2", "3"]
    assert ticks(0, 23, integer=True) == ["0", "5", "10", "15", "20", "25"]


def test_a_flat_series_still_gets_an_axis():
    assert ticks(0, 0) == ["0", "0.2", "0.4", "0.6", "0.8", "1"]


def test_a_percentage_series_flat_at_100_gets_an_axis_below_it():
    assert ticks(100, 100, zero=False, percent=True, intervals=4) == [
        "90",
        "92.5",
        "95",
        "97.5",
        "100",
    ]


def test_a_line_chart_of_one_value_at_its_100_percent_target_is_drawn():
    svg = line_chart([Point("T4 2026", Decimal(100))], title="t", unit="%", target=100)

    assert "<svg" in svg


def test_crowded_monthly_labels_fall_on_the_same_month_each_year_and_the_last_is_kept():
    assert shown_labels(36, slot=10, longest=9) == [0, 12, 24, 35]
    assert shown_labels(24, slot=20, longest=5) == [0, 3, 6, 9, 12, 15, 18, 23]


def test_labels_with_room_are_all_shown():
    assert shown_labels(4, slot=100, longest=7) == [0, 1, 2, 3]


def test_months_are_abbreviated_the_french_way():
    assert format_month_short(dt.date(2026, 1, 5)) == "janv. 2026"
    assert format_month_short(dt.date(2026, 2, 1), year=False) == "févr."
    assert format_month_short(dt.date(2026, 6, 1), year=False) == "juin"
    assert format_day_short(dt.date(2026, 11, 3)) == "3 nov."
    assert format_day_short(dt.date(2026, 12, 1)) == "1er déc."


def test_labels_stay_readable_on_a_phone():
    assert rendered_font(WIDTH) >= MIN_FONT
    assert rendered_font(640, 11) < MIN_FONT  # the old indicator chart: 5,5 px on a phone
    assert FONT * min(1, PHONE / WIDTH) == pytest.approx(11.2)


def test_a_line_chart_of_monthly_values_writes_round_french_ticks_and_no_overlapping_months():
    points = [
        Point(format_month_short(dt.date(2024 + m // 12, m % 12 + 1, 1)), 80 + m % 9 * 1.1)
        for m in range(36)
    ]
    svg = line_chart(points, title="Satisfaction", unit="%", target=85)

    labels = texts(svg)
    assert f"80{NBSP}%" in labels and f"90{NBSP}%" in labels
    assert not any("88,4" in t or "88.4" in t for t in labels)
    assert f"cible 85{NBSP}%" in labels
    months = [t for t in labels if "20" in t and "%" not in t]
    assert months == ["janv. 2024", "janv. 2025", "janv. 2026", "déc. 2026"]


def test_no_line_is_drawn_above_100_percent():
    svg = line_chart([Point("T1", 97), Point("T2", 104)], title="t", unit="%", zero=True)

    assert f"100{NBSP}%" in texts(svg)
    assert not any("110" in t or "120" in t for t in texts(svg))
    top = min(float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg))
    grid = min(float(y) for y in re.findall(r'<line x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)"', svg))
    assert top == grid


def test_a_chart_is_an_image_named_by_its_title_and_described_by_its_figures():
    svg = line_chart([Point("2025", 1234.5), Point("2026", 1300)], title="Délai « moyen »")

    labelled = re.search(r'aria-labelledby="([\w-]+) ([\w-]+)"', svg)
    assert 'role="img"' in svg
    assert f'<title id="{labelled.group(1)}">Délai « moyen »</title>' in svg
    assert f'<desc id="{labelled.group(2)}">2025 : 1{NNBSP}234,5 ; 2026 : 1{NNBSP}300</desc>' in svg
    assert "style=" not in svg


def test_response_progress_counts_answers_with_french_plurals_and_whole_ticks():
    svg = progress_chart(
        [Point(format_day_short(dt.date(2026, 11, d)), n) for d, n in ((2, 1), (3, 7), (4, 23))],
        title="Réponses reçues",
        invited=40,
    )

    assert "40 invités" in texts(svg)
    assert [t for t in texts(svg) if t.isdigit()] == ["0", "10", "20", "30", "40"]
    assert "(en tout : 23 réponses)" in svg
    assert "2 nov." in texts(svg) and "4 nov." in texts(svg)


def test_one_answer_is_written_in_the_singular():
    svg = progress_chart([Point("2 nov.", 0), Point("3 nov.", 1)], title="Réponses")

    assert "(en tout : 1 réponse)" in svg


def test_bars_are_drawn_on_0_to_100_percent_with_the_target_line():
    svg = bar_chart(
        [Bar("Accueil — 120 répondants", 82.4), Bar("Livraison — 118 répondants", 100)],
        title="Satisfaction par thème",
        target=80,
    )

    labels = texts(svg)
    assert f"82,4{NBSP}%" in labels and f"100{NBSP}%" in labels
    assert f"cible 80{NBSP}%" in labels
    assert labels[:6] == [f"{t}{NBSP}%" for t in (0, 20, 40, 60, 80, 100)]
    assert 'stroke-dasharray="5 3"' in svg
    assert "Cible : 80 %".replace(" %", f"{NBSP}%") in svg


def test_a_bar_never_goes_beyond_the_100_percent_line():
    svg = bar_chart([Bar("A", 100), Bar("B", 130), Bar("C", 50)], title="t")

    ends = bar_ends(svg)
    assert ends[0] == ends[1]
    assert ends[2] < ends[0]


def test_bars_without_a_figure_are_not_drawn():
    svg = bar_chart([Bar("Montré", 70), Bar("Masqué", None)], title="t")

    assert "Masqué" not in svg
    assert len(bar_ends(svg)) == 1


def test_each_bar_can_carry_its_own_target():
    svg = bar_chart([Bar("Engagement 1", 70, target=75)], title="t")

    assert 'stroke-width="3"' in svg
    assert f"Engagement 1 : 70{NBSP}% (cible 75{NBSP}%)" in svg


def test_a_long_label_wraps_to_fit_the_chart():
    label = (
        "Vous accompagner dans votre projet d'accession à la propriété, de la réservation à la "
        "livraison"
    )
    svg = bar_chart([Bar(label, 60)], title="t")

    lines = [t for t in texts(svg) if t and "%" not in t and t != "0"]
    assert len(lines) >= 2
    assert all(len(line) * FONT * 0.6 <= WIDTH for line in lines)


def test_two_years_are_compared_side_by_side():
    svg = grouped_bar_chart(
        ["Gouvernance", "Environnement"],
        [Series("2025", [2, 3]), Series("2026", [3, None])],
        title="Autodiagnostic ISO 26000",
        maximum=4,
    )

    assert "2025" in texts(svg) and "2026" in texts(svg)
    assert "Gouvernance : 2025 2, 2026 3 ; Environnement : 2025 3, 2026 pas de note" in svg
    assert "2026 : pas de note" in texts(svg)
    assert texts(svg)[-5:] == ["0", "1", "2", "3", "4"]


def test_a_key_figure_shows_its_change_in_points_the_french_way():
    figure = KeyFigure("Satisfaction", Decimal("73.2"), Decimal("70"), unit="%", decimals=1)

    assert figure.value_text == f"73,2{NBSP}%"
    assert figure.change_text == f"+3,2{NBSP}pts"
    assert figure.direction == "up"


def test_a_key_figure_count_shows_a_signed_change_or_stable():
    assert KeyFigure("Logements livrés", 1234, 1246).change_text == "−12"
    assert KeyFigure("Logements livrés", 12, 12).change_text == "stable"
    assert KeyFigure("Logements livrés", 12).change_text == ""


def test_the_key_figure_component_writes_the_number_its_change_and_its_base():
    figure = KeyFigure(
        "Satisfaction", 73, 75, unit="%", since="2025", base="base : 1 753 répondants"
    )

    page = render_to_string("components/key_figure.html", {"figure": figure})

    assert f"73{NBSP}%" in page
    assert f"−2{NBSP}pts par rapport à 2025" in page
    assert "base : 1 753 répondants" in page
    assert "▼" in page


def test_a_label_is_never_broken_inside_a_number():
    label = f"Information pendant l'achat et les travaux — 1{NNBSP}650 répondants"
    svg = bar_chart([Bar(label, 60)], title="t")

    assert f"1{NNBSP}650 répondants" in texts(svg)


def test_a_value_is_written_after_a_target_mark_that_would_cross_it():
    svg = bar_chart([Bar("A", 73.2, target=80)], title="t", width=400)

    mark = float(re.search(r'<line x1="([\d.]+)"[^>]*stroke-width="3"', svg)[1])
    value_x = float(re.search(rf'<text x="([\d.]+)"[^>]*>73,2{NBSP}%</text>', svg)[1])
    assert value_x > mark


def test_the_target_label_is_written_over_the_line_of_values_on_a_white_box():
    svg = line_chart([Point("T1", 80), Point("T2", 90)], title="t", target=85)

    label = svg.index("cible 85")
    assert svg.index("<polyline") < label
    assert svg.rindex('fill="#ffffff"', 0, label) > svg.index("<polyline")


@pytest.mark.parametrize(("low", "high"), [(105, 130), (-20, -5), (100, 100), (0, 0), (-3, 250)])
def test_a_percentage_axis_of_values_outside_0_100_still_has_ticks_within_it(low, high):
    found = nice_ticks(low, high, zero=False, percent=True, intervals=4)

    assert len(found) >= 2
    assert found[0] >= 0 and found[-1] <= 100
