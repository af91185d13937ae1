"""Form widgets shared by the apps."""

from decimal import Decimal

from django import forms

from coopqualite.formats import NNBSP, format_measure


class DateInput(forms.DateInput):
    """The browser's date picker, with the ISO value it expects."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DecimalInput(forms.TextInput):
    """A decimal as text, with the decimal keyboard of phones; shown the French way ("2,5")
    without thousands separators, so that it reads back unchanged."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int | float):
            return format_measure(value).replace(NNBSP, "")
        return super().format_value(value)
