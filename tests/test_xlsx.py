"""The streaming XLSX writer of the exports (coopqualite/xlsx.py), read back with openpyxl."""

import io
import zipfile

from openpyxl import load_workbook

from coopqualite.xlsx import column_letters, xlsx_write


def written(rows, **kwargs) -> bytes:
    handle = io.BytesIO()
    xlsx_write(rows, handle, sheet_name=kwargs.pop("sheet_name", "Réponses"), **kwargs)
    return handle.getvalue()


def test_a_spreadsheet_reads_back_the_rows_and_the_sheet_name():
    data = written([["clé", "avis"], ["1", "Très satisfait"], ["2", "Peu satisfait"]])

    sheet = load_workbook(io.BytesIO(data)).active

    assert sheet.title == "Réponses"
    assert list(sheet.iter_rows(values_only=True)) == [
        ("clé", "avis"), ("1", "Très satisfait"), ("2", "Peu satisfait"),
    ]  # fmt: skip


def test_empty_cells_are_left_out_of_the_sheet():
    data = written([["a", "", "c"]])

    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    sheet = load_workbook(io.BytesIO(data)).active

    assert 'r="A1"' in xml and 'r="B1"' not in xml and 'r="C1"' in xml
    assert list(sheet.iter_rows(values_only=True)) == [("a", None, "c")]


def test_markup_is_escaped_and_characters_xml_refuses_are_dropped():
    data = written([['<b>"Fuite" & dégât</b>', "ligne 1\nligne 2\x0b fin", "  espaces  "]])

    sheet = load_workbook(io.BytesIO(data)).active

    assert list(sheet.iter_rows(values_only=True)) == [
        ('<b>"Fuite" & dégât</b>', "ligne 1\nligne 2 fin", "  espaces  "),
    ]


def test_a_cell_that_looks_like_a_formula_stays_text():
    data = written([["=1+1"]])

    cell = load_workbook(io.BytesIO(data)).active["A1"]

    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_columns_past_z_are_named_like_a_spreadsheet_names_them():
    assert [column_letters(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


def test_the_writer_reports_each_row_and_returns_their_number():
    ticks = []

    count = xlsx_write(
        (["x"] for _ in range(3)), io.BytesIO(), sheet_name="S", tick=lambda: ticks.append(1)
    )

    assert (count, len(ticks)) == (3, 3)
