"""A one-sheet XLSX of text cells, written as the rows come: the few XML parts a spreadsheet needs,
the sheet streamed into its zip entry, each cell an inline string, empty cells left out.

Why not openpyxl's write-only mode (which the first version of the exports used): it builds a cell
object and an XML element per value, about 1 ms of CPU per row of 38 cells on the development
machine, two minutes for 100,000 responses, and keeps every distinct text in memory for its
shared-strings table. Here a row is one string: constant memory, a few seconds for 100,000 rows
(docs/benchmarks.md). Cells are text only (what the exports hold: `coopqualite.spreadsheets`
made them formula-safe already; an inline string is never evaluated anyway). openpyxl reads the
files back in the tests.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from typing import IO
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET_PATH = "xl/worksheets/sheet1.xml"
# Characters XML 1.0 refuses (a comment pasted from a word processor may hold one): dropped.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_CELL = 32_767  # characters a spreadsheet cell holds
FLUSH_EVERY = 500  # rows gathered before a write to the zip entry


def _parts(sheet_name: str) -> dict[str, str]:
    types = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{types}.sheet.main+xml"/>'
            f'<Override PartName="/{SHEET_PATH}" ContentType="{types}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{types}.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
            f'<sheet name="{escape(sheet_name, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{RELS}">'
            f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{DOC_RELS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{MAIN}">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            "</cellXfs>"
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>"
        ),
    }


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(text: str) -> str:
    if ILLEGAL.search(text):
        text = ILLEGAL.sub("", text)
    return escape(text[:MAX_CELL])


def xlsx_write(
    rows: Iterable[list[str]],
    handle: IO[bytes],
    *,
    sheet_name: str,
    tick: Callable[[], None] = lambda: None,
) -> int:
    """Write `rows` (lists of strings; "" is an empty cell, left out) as the one sheet of an XLSX
    into `handle`, calling `tick` after each row; returns the number of rows."""
    letters: list[str] = []
    count = 0
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, body in _parts(sheet_name).items():
            zf.writestr(name, HEAD + body)
        with zf.open(SHEET_PATH, "w", force_zip64=True) as sheet:
            sheet.write(f'{HEAD}<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            pending: list[str] = []
            for row in rows:
                count += 1
                while len(letters) < len(row):
                    letters.append(column_letters(len(letters)))
                cells = "".join(
                    f'<c r="{letters[i]}{count}" t="inlineStr"><is>'
                    f'<t xml:space="preserve">{_cell(value)}</t></is></c>'
                    for i, value in enumerate(row)
                    if value
                )
                pending.append(f'<row r="{count}">{cells}</row>')
                if len(pending) >= FLUSH_EVERY:
                    sheet.write("".join(pending).encode())
                    pending.clear()
                tick()
            sheet.write(("".join(pending) + "</sheetData></worksheet>").encode())
    return count
