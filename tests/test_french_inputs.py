"""French numbers in, French dates out: one decimal field for every decimal input, one date
style for every date of the interface."""

import datetime as dt
import importlib
import pkgutil
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse

from coopqualite.fields import DecimalField
from engagements.models import Commitment, Measurement
from tests.engagements.factories import IndicatorFactory

NNBSP = "\u202f"
NBSP = "\u00a0"


# Decimal inputs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2,5", Decimal("2.5")),
        ("2.5", Decimal("2.5")),
        (" 85 ", Decimal("85")),
        ("-3,25", Decimal("-3.25")),
        ("0,75", Decimal("0.75")),
        (f"1{NNBSP}234,5", Decimal("1234.5")),
        (f"1{NBSP}234,5", Decimal("1234.5")),
        ("1 234", Decimal("1234")),
        ("1234,567", Decimal("1234.567")),  # four digits before: not a thousands separator
    ],
)
def test_a_decimal_is_read_with_a_comma_or_a_point(typed, expected):
    assert DecimalField(decimal_places=3).clean(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1.234,5", "« 1.234,5 » mêle un point et une virgule"),
        ("1,234,5", "« 1,234,5 » contient plusieurs séparateurs"),
        ("1,234", "« 1,234 » est ambigu"),
        ("12.500", "« 12.500 » est ambigu"),
        ("2,5 %", "« 2,5 % » n'est pas un nombre"),
        ("deux", "« deux » n'est pas un nombre"),
    ],
)
def test_an_ambiguous_or_wrong_decimal_is_refused_with_a_french_message(typed, message):
    with pytest.raises(ValidationError) as refused:
        DecimalField(decimal_places=3).clean(typed)

    assert refused.value.messages[0].startswith(message)


def test_the_decimal_input_is_a_text_input_with_a_decimal_keyboard():
    class Form(forms.Form):
        value = DecimalField(max_digits=12, decimal_places=2)

    html = str(Form(initial={"value": Decimal("2.50")})["value"])

    assert 'type="text"' in html and 'inputmode="decimal"' in html
    assert 'value="2,5"' in html


def _project_forms() -> list[type[forms.BaseForm]]:
    for app in ("cooperatives", "engagements", "enquetes", "rapports", "coopqualite"):
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if "migrations" not in module.name and "tests" not in module.name:
                importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return [
        form
        for form in set(subclasses(forms.BaseForm))
        if form.__module__.split(".")[0]
        in ("cooperatives", "engagements", "enquetes", "rapports", "coopqualite")
    ]


def test_every_decimal_input_of_the_portal_is_the_french_decimal_field():
    found = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DecimalField) and not isinstance(field, DecimalField)
    ]

    assert found == []


@pytest.fixture
def visits(coop_a):
    return IndicatorFactory(
        commitment=Commitment.objects.get(cooperative=coop_a, number=4),
        name="Visites de chantier organisées", unit="visites", target=Decimal("2"),
        period="quarter",
    )  # fmt: skip


@pytest.mark.parametrize("typed", ["2,5", "2.5"])
def test_a_measurement_typed_with_a_decimal_comma_is_two_and_a_half(client, staff_a, visits, typed):
    client.force_login(staff_a)

    response = client.post(
        reverse("measurement_create", args=[visits.pk]),
        {"period_start": "2026-01-15", "value": typed},
    )

    assert response.status_code == 302
    assert Measurement.objects.get(indicator=visits).value == Decimal("2.5")


def test_an_indicator_target_is_typed_with_a_decimal_comma(client, staff_a, visits):
    client.force_login(staff_a)
    data = {
        "name": visits.name, "unit": "visites", "direction": "higher", "target": "2,5",
        "period": "quarter", "source": "manual", "position": "0",
    }  # fmt: skip

    response = client.post(reverse("indicator_edit", args=[visits.pk]), data)

    assert response.status_code == 302
    visits.refresh_from_db()
    assert visits.target == Decimal("2.5")


# Dates -----------------------------------------------------------------------------------------


def render(template: str, **context) -> str:
    return Template("{% load french %}" + template).render(Context(context))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 11, 28), "28 novembre 2026"),
        (dt.date(2026, 3, 1), "1er mars 2026"),
        (dt.datetime(2026, 8, 15, 23, 30, tzinfo=dt.UTC), "16 août 2026"),  # in Paris already
        (None, "—"),
    ],
)
def test_a_date_is_written_one_french_way(day, expected):
    assert render("{{ day|fr_date }}", day=day) == expected


def test_a_moment_is_written_with_its_paris_time():
    moment = dt.datetime(2026, 11, 28, 13, 5, tzinfo=dt.UTC)

    assert render("{{ moment|fr_datetime }}", moment=moment) == "28 novembre 2026 à 14 h 05"


def test_a_month_is_written_in_words():
    assert render("{{ day|fr_month }}", day=dt.date(2026, 2, 1)) == "février 2026"


MACHINE_FORMATS = {"Y-m-d", "c"}  # for machines (meta tags, datetime attributes), not people


def test_no_template_formats_a_date_on_its_own():
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.*"):
        for match in re.finditer(r"\|date:['\"]([^'\"]*)['\"]", path.read_text()):
            if match.group(1) not in MACHINE_FORMATS:
                offenders.append(f"{path.name}: {match.group(0)}")

    assert offenders == []


def test_a_date_in_a_page_is_the_french_style(client, staff_a, visits):
    with_paris = dt.datetime(2026, 3, 1, 9, tzinfo=ZoneInfo("Europe/Paris"))
    Measurement.objects.create(
        indicator=visits, period_start=dt.date(2026, 1, 1), value=2, entered_at=with_paris
    )
    client.force_login(staff_a)

    page = client.get(reverse("indicator_detail", args=[visits.pk])).content.decode()

    assert "le 1er mars 2026" in page
