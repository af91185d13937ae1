"""Form fields shared by the apps: the one decimal field of every form."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from coopqualite.formats import NumberError, parse_decimal
from coopqualite.widgets import DecimalInput


class DecimalField(forms.DecimalField):
    """A decimal typed the French way or not: "2,5" and "2.5" are two and a half, an ambiguous
    "1,234" or "1.234,5" is refused with a French message (`coopqualite.formats.parse_decimal`).
    A text input with the phone's decimal keyboard, never `type=number`, whose browsers read
    "2,5" their own way."""

    widget = DecimalInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_decimal(str(value))
        except NumberError as error:
            raise forms.ValidationError(str(error), code="invalid") from None

    def widget_attrs(self, widget):
        # No min/max/step attributes: they belong to number inputs.
        return forms.Field.widget_attrs(self, widget)
