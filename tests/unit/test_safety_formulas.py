"""Issue 25, item 3: every CSV or spreadsheet iness writes neutralises a cell
a spreadsheet would run, through one function."""
import csv

import openpyxl
import pandas as pd
import pytest

from iness import outputs
from iness.notebook import export_table
from iness.pipeline.own_survey import write_template


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-1+2", "@SUM(A1)",
                                  "\t=1", "\r=1"])
def test_a_formula_cell_gets_a_quote(cell):
    assert outputs.spreadsheet_safe(cell) == "'" + cell


def test_result_tables_are_neutralised_cells_index_and_headers(tmp_path):
    frame = pd.DataFrame({"=h": ["=HYPERLINK(1)", "ok"], "n": [-1.5, 2.0]},
                         index=pd.Index(["@a", "b"], name="platform"))
    csv_path, _ = export_table(frame, tmp_path, "t")
    rows = list(csv.reader(open(csv_path, newline="")))
    assert rows == [["platform", "'=h", "n"], ["'@a", "'=HYPERLINK(1)", "-1.5"],
                    ["b", "ok", "2.0"]]


def test_the_template_holds_no_formula(tmp_path):
    csv_path, excel_path = write_template(tmp_path / "t")
    for row in csv.reader(open(csv_path, newline="", encoding="utf-8")):
        assert not [cell for cell in row if cell.startswith(outputs.FORMULA_PREFIXES)]
    book = openpyxl.load_workbook(excel_path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert not [cell.coordinate for cell in row if cell.data_type == "f"
                        or isinstance(cell.value, str)
                        and cell.value.startswith(outputs.FORMULA_PREFIXES)], sheet.title
