"""The after-sales rules: French working days and the guarantee a disorder falls under."""

import datetime as dt

from sav import rules
from sav.rules import Category, Guarantee

DELIVERY = dt.date(2026, 4, 2)


def test_three_working_days_from_a_friday_skip_the_weekend_and_14_july():
    # Friday 10 July 2026 → Monday 13, (Tuesday 14 July is a holiday), Wednesday 15, Thursday 16
    assert rules.working_days_add(dt.date(2026, 7, 10), 3) == dt.date(2026, 7, 16)


def test_two_working_days_from_the_eve_of_ascension_skip_it_and_the_weekend():
    # Ascension: Thursday 6 May 2027; Friday 7 May, then Saturday 8 May (also a holiday)
    assert rules.working_days_add(dt.date(2027, 5, 5), 2) == dt.date(2027, 5, 10)


def test_whit_monday_and_christmas_are_not_working_days():
    assert not rules.is_working_day(dt.date(2027, 5, 17))
    assert not rules.is_working_day(dt.date(2026, 12, 25))
    assert rules.is_working_day(dt.date(2026, 12, 24))


def test_working_days_between_count_neither_weekends_nor_holidays():
    assert rules.working_days_between(dt.date(2026, 7, 10), dt.date(2026, 7, 16)) == 3
    assert rules.working_days_between(dt.date(2026, 7, 16), dt.date(2026, 7, 10)) == 0


def _coverage(category, reported_on, **kwargs):
    return rules.coverage(category=category, reported_on=reported_on, delivery=DELIVERY, **kwargs)


def test_a_disorder_in_the_month_after_delivery_is_a_reserve():
    covered = _coverage(Category.FINISHES, dt.date(2026, 4, 30))

    assert covered.guarantee == Guarantee.RESERVE
    assert covered.until == dt.date(2027, 4, 2)
    assert "signalée dans le mois suivant la livraison (jusqu'au 2 mai 2026)" in (
        covered.explanation
    )


def test_a_reserve_of_the_delivery_report_says_so():
    covered = _coverage(Category.FINISHES, DELIVERY, at_delivery=True)

    assert covered.explanation.startswith("Réserve inscrite au procès-verbal de livraison")


def test_a_disorder_within_the_year_falls_under_perfect_completion_in_plain_french():
    covered = _coverage(Category.FINISHES, dt.date(2026, 9, 1))

    assert covered.guarantee == Guarantee.PERFECT_COMPLETION
    assert covered.explanation == (
        "Relève de la garantie de parfait achèvement jusqu'au 2 avril 2027."
    )


def test_the_recorded_end_of_perfect_completion_wins_over_a_year_after_delivery():
    covered = _coverage(
        Category.FINISHES, dt.date(2027, 4, 10), perfect_completion_recorded=dt.date(2027, 4, 15)
    )

    assert covered.guarantee == Guarantee.PERFECT_COMPLETION
    assert covered.until == dt.date(2027, 4, 15)


def test_equipment_in_its_second_year_falls_under_the_biennial_guarantee():
    covered = _coverage(Category.PLUMBING, dt.date(2027, 6, 1))

    assert covered.guarantee == Guarantee.BIENNIAL
    assert covered.explanation == (
        "Relève de la garantie biennale de bon fonctionnement jusqu'au 2 avril 2028."
    )


def test_water_tightness_in_its_fifth_year_falls_under_the_decennial_guarantee():
    covered = _coverage(Category.WATERTIGHTNESS, dt.date(2031, 1, 10))

    assert (covered.guarantee, covered.until) == (Guarantee.DECENNIAL, dt.date(2036, 4, 2))


def test_finishes_after_the_first_year_are_explained_outside_every_guarantee():
    covered = _coverage(Category.FINISHES, dt.date(2027, 6, 1))

    assert covered.guarantee == Guarantee.NONE
    assert covered.until is None
    assert covered.explanation.startswith(
        "Hors garantie : pour ce type de désordre, la garantie de parfait achèvement a pris "
        "fin le 2 avril 2027. La coopérative étudie tout de même votre demande"
    )


def test_equipment_after_two_years_is_explained_outside_every_guarantee():
    covered = _coverage(Category.HEATING, dt.date(2028, 4, 3))

    assert covered.guarantee == Guarantee.NONE
    assert "la garantie biennale de bon fonctionnement a pris fin le 2 avril 2028" in (
        covered.explanation
    )


def test_a_home_not_delivered_yet_is_explained():
    covered = rules.coverage(
        category=Category.OTHER, reported_on=dt.date(2026, 3, 1), delivery=DELIVERY
    )

    assert covered.guarantee == Guarantee.NOT_DELIVERED
    assert "pas encore livré" in covered.explanation
