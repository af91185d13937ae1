"""Files meant for a spreadsheet (CSV exports): how a cell is made safe, and the CSV dialect.

Every CSV the portal writes is UTF-8 with a byte-order mark (Excel reads UTF-8 only with one)
and `;`-separated (what a French Excel expects), and no cell can run as a formula.
"""

from __future__ import annotations

CSV_DELIMITER = ";"
CSV_ENCODING = "utf-8-sig"  # UTF-8 with a byte-order mark

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet will never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
