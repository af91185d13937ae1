"""Files meant for a spreadsheet (CSV exports): how a cell is made safe, and the CSV dialect.

Every CSV the portal writes is UTF-8 with a byte-order mark (Excel reads UTF-8 only with one)
and `;`-separated (what a French Excel expects), and no cell can run as a formula. Raw data
(`csv_value`) keeps numbers a spreadsheet can compute with: a decimal comma but no thousands
separator (coopqualite.formats writes "1 234,5" with a narrow no-break space, which a
spreadsheet reads as text).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.utils import timezone

CSV_DELIMITER = ";"
CSV_ENCODING = "utf-8-sig"  # UTF-8 with a byte-order mark

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet will never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_value(value) -> str:
    """A stored value as a French spreadsheet reads it: decimal comma, ISO dates (date and time
    in the portal's time zone, with its offset), oui/non, structured data as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return format(value, "f").replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict | list):
        return safe_cell(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return safe_cell(value)
