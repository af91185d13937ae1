"""The satisfaction rate, computed by one function for questions, themes, commitments,
programmes and survey-sourced indicators."""

import pytest

from enquetes.selectors import Rate, satisfaction_rate


def test_the_rate_counts_very_and_fairly_satisfied_over_those_who_gave_an_opinion():
    rate = satisfaction_rate(
        [
            ("tres_satisfait", 3),
            ("assez_satisfait", 2),
            ("peu_satisfait", 4),
            ("pas_du_tout_satisfait", 1),
            ("nsp", 5),
            ("oui", 7),  # not an answer of the scale: ignored
        ]
    )

    assert rate == Rate(satisfied=5, very=3, opinions=10, dont_know=5)
    assert rate.rate == pytest.approx(50.0)
    assert rate.very_rate == pytest.approx(30.0)


def test_a_theme_weighs_its_questions_by_their_opinions_not_by_their_rates():
    well_answered = satisfaction_rate([("tres_satisfait", 3), ("peu_satisfait", 1)])  # 75 %
    seldom_answered = satisfaction_rate([("assez_satisfait", 1), ("peu_satisfait", 5)])  # 16.7 %

    theme = well_answered + seldom_answered

    assert theme == Rate(satisfied=4, very=3, opinions=10, dont_know=0)
    assert theme.rate == pytest.approx(40.0)


def test_without_an_opinion_there_is_no_rate():
    rate = satisfaction_rate([("nsp", 4)])

    assert (rate.rate, rate.very_rate, rate.dont_know) == (None, None, 4)
