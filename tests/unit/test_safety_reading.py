"""Issue 25, item 4: bounded reading. Tiny files that declare or repeat huge
tables, a first line that is no header, and headers of thousands of columns
give one-line errors quickly, and reading any of them stays under 4 GB (checked
in a subprocess under that memory cap)."""
import io
import subprocess
import sys
import textwrap
import time
import zipfile

import openpyxl
import pytest

from iness.errors import SurveyError
from iness.pipeline import survey_file
from iness.pipeline.own_survey import EXAMPLE_SURVEY, checked_survey

HEADER = "platform_id,platform_name,wave\n"


def xlsx(path, sheet_xml_edit):
    book = openpyxl.Workbook()
    book.active.append(["platform_id", "platform_name", "wave"])
    book.active.append(["P1", "Goteo", 2024])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w",
                                                           zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml_edit(data.decode()).encode()
            out.writestr(item, data)
    return path


def declares_a_huge_sheet(text):
    return text.replace('<dimension ref="A1:C2"/>', '<dimension ref="A1:XFD1048576"/>')


def far_cells(text):
    rows = "".join(f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>'
                   for n in range(3, 400))
    return text.replace("</sheetData>", rows + "</sheetData>")


def ods(path, rows, columns):
    """An .ods file (written by pandas) whose second row is repeated ``rows``
    times and whose cell there ``columns`` times."""
    import pandas as pd
    pd.DataFrame({"platform_id": ["x"]}).to_excel(path, engine="odf", index=False,
                                                  sheet_name="platforms")
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    content = members["content.xml"].decode()
    last = content.rindex("<table:table-row>")
    content = (content[:last] + f'<table:table-row table:number-rows-repeated="{rows}">'
               + content[last + len("<table:table-row>"):])
    content = content.replace('<table:table-cell office:value-type="string" '
                              'office:string-value="x">',
                              f'<table:table-cell table:number-columns-repeated="{columns}" '
                              'office:value-type="string" office:string-value="x">')
    members["content.xml"] = content.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data, zipfile.ZIP_STORED if name == "mimetype" else None)
    return path


def one_line(error) -> str:
    message = str(error.value)
    assert "\n" not in message and len(message) < 600, message
    return message


def test_a_declared_huge_sheet_is_read_as_stored(tmp_path):
    path = xlsx(tmp_path / "bomb.xlsx", declares_a_huge_sheet)
    assert path.stat().st_size < 10_000
    started = time.perf_counter()
    table = survey_file.read_survey_table(path)
    assert time.perf_counter() - started < 10
    assert table.frame.shape == (1, 3)


def test_stored_cells_beyond_the_limit_are_one_line(tmp_path):
    path = xlsx(tmp_path / "far.xlsx", far_cells)
    with pytest.raises(SurveyError) as error:
        survey_file.read_survey_table(path)
    assert "iness reads at most 5,000,000" in one_line(error) and "far.xlsx" in str(error.value)


def test_repeated_ods_rows_and_columns_are_counted_before_allocation(tmp_path):
    path = ods(tmp_path / "bomb.ods", rows=1_000_000, columns=1_000)
    assert path.stat().st_size < 3_000
    started = time.perf_counter()
    with pytest.raises(SurveyError) as error:
        survey_file.read_survey_table(path)
    assert time.perf_counter() - started < 5
    assert "sheet 'platforms'" in one_line(error) and "bomb.ods" in str(error.value)


def test_a_small_repeated_ods_table_is_read(tmp_path):
    table = survey_file.read_survey_table(ods(tmp_path / "ok.ods", rows=3, columns=1))
    assert table.frame.shape == (3, 1)


def test_a_workbook_that_unpacks_too_far_is_refused_before_unpacking(tmp_path):
    path = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"\0" * (survey_file.MAX_BYTES + 1))
    with pytest.raises(SurveyError) as error:
        survey_file.read_survey_table(path)
    assert "unpacks to" in one_line(error)


def test_a_first_line_that_is_no_header_is_one_line(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("x" * 400_000 + "\n" + "a\n")
    with pytest.raises(SurveyError) as error:
        survey_file.read_survey_table(path)
    assert "400,000 characters" in one_line(error) and "is this line a header" in str(error.value)


@pytest.mark.parametrize("name", ["unknown", "repeated"])
def test_a_header_of_twenty_thousand_columns_is_quick_and_short(tmp_path, name):
    path = tmp_path / "wide.csv"
    columns = ([f"c{i}" for i in range(20_000)] if name == "unknown"
               else [f"c{i % 5_000}" for i in range(20_000)])
    path.write_text(HEADER.strip() + "," + ",".join(columns) + "\nP1,Goteo,2024"
                    + "," * 20_000 + "\n")
    started = time.perf_counter()
    with pytest.raises(SurveyError) as error:
        checked_survey(path)
    assert time.perf_counter() - started < 5
    message = " ".join(str(error.value).split())
    assert len(message) < 3_000 and "more" in message


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_what_is_not_a_file_is_named_as_such(tmp_path, kind):
    import os
    path = {"folder": tmp_path, "device": "/dev/zero"}.get(kind, tmp_path / "pipe.csv")
    if kind == "fifo":
        os.mkfifo(path)
    with pytest.raises(SurveyError) as error:
        survey_file.read_survey_table(path)
    expected = {"fifo": "a named pipe", "folder": "a folder", "device": "a device"}[kind]
    assert expected in one_line(error)


def test_a_file_named_in_decomposed_unicode_is_found(tmp_path):
    import unicodedata
    path = tmp_path / unicodedata.normalize("NFD", "enquête.csv")
    path.write_bytes(EXAMPLE_SURVEY.read_bytes())
    composed = tmp_path / unicodedata.normalize("NFC", "enquête.csv")
    assert survey_file.read_survey_table(composed).frame.shape[0] > 10


CAPPED = textwrap.dedent("""
    import resource, sys
    limit = 4 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from iness.errors import SurveyError
    from iness.pipeline.survey_file import read_survey_table
    for path in sys.argv[1:]:
        try:
            read_survey_table(path)
            print("read", path)
        except SurveyError as error:
            print("refused", path)
""")


def test_every_bomb_stays_under_four_gigabytes(tmp_path):
    bombs = [xlsx(tmp_path / "declared.xlsx", declares_a_huge_sheet),
             xlsx(tmp_path / "far.xlsx", far_cells),
             ods(tmp_path / "repeated.ods", rows=10_000_000, columns=16_384)]
    (tmp_path / "long.csv").write_text("x" * 400_000 + "\na\n")
    bombs.append(tmp_path / "long.csv")
    result = subprocess.run([sys.executable, "-c", CAPPED, *map(str, bombs)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "MemoryError" not in result.stderr, result.stderr[-2000:]
    assert result.stdout.split() == ["read", str(bombs[0]), "refused", str(bombs[1]),
                                     "refused", str(bombs[2]), "refused", str(bombs[3])]
