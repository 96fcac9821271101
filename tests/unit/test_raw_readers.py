"""Raw readers refuse broken files with a message naming the file and the place."""
import json

import pytest

from iness import RawDataError
from iness.pipeline import raw
from iness.errors import RawColumnsError, RawEncodingError, RawFormatError

HEADER = ",".join(raw.LINKS_2016.columns)


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_reads_strings_exactly_as_written(tmp_path):
    path = write(tmp_path, "org-projects.csv",
                 f'{HEADER}\nL1, O1 ,P1,"co-funder"\nL2,O2,"P\r\r\n2",evaluator\n')
    frame = raw.links_2016(path)
    assert frame.index.tolist() == [1, 2]
    assert frame.index.name == "source_row"
    assert frame.loc[1, "Organisation ID"] == " O1 "
    assert frame.loc[2, "Project ID"] == "P\r\r\n2"


def test_missing_column_is_named(tmp_path):
    path = write(tmp_path, "org-projects.csv", "Linking ID,Org,Project ID,Role\nL1,O1,P1,x\n")
    with pytest.raises(RawColumnsError) as error:
        raw.links_2016(path)
    message = str(error.value)
    assert "org-projects.csv" in message and "'Organisation ID'" in message
    assert "found instead ['Org']" in message
    assert error.value.column == "Organisation ID"


def test_empty_file(tmp_path):
    path = write(tmp_path, "org-projects.csv", "  \n")
    with pytest.raises(RawFormatError, match=r"org-projects\.csv: the file is empty"):
        raw.links_2016(path)


def test_header_only_file(tmp_path):
    path = write(tmp_path, "org-projects.csv", HEADER + "\n")
    with pytest.raises(RawFormatError, match="no data records"):
        raw.links_2016(path)


def test_truncated_csv_names_row_and_line(tmp_path):
    path = write(tmp_path, "org-projects.csv", f"{HEADER}\nL1,O1,P1,co-funder\nL2,O2\n")
    with pytest.raises(RawFormatError) as error:
        raw.links_2016(path)
    assert "org-projects.csv, line 3, row 2" in str(error.value)
    assert "2 fields where the header has 4" in str(error.value)


def test_unbalanced_quote(tmp_path):
    path = write(tmp_path, "org-projects.csv", f'{HEADER}\nL1,O1,"P1,co-funder\n')
    with pytest.raises(RawFormatError, match="org-projects.csv.*(malformed|truncated)"):
        raw.links_2016(path)


def test_non_utf8_bytes_name_the_line(tmp_path):
    path = write(tmp_path, "org-projects.csv",
                 f"{HEADER}\nL1,O1,P1,co-funder\n".encode() + b"L2,Caf\xe9,P2,evaluator\n")
    with pytest.raises(RawEncodingError) as error:
        raw.links_2016(path)
    assert "org-projects.csv, line 3" in str(error.value)
    assert "0xe9" in str(error.value)


def test_duplicate_ids(tmp_path):
    path = write(tmp_path, "org-projects.csv", f"{HEADER}\nL1,O1,P1,a\nL1,O2,P2,b\n")
    with pytest.raises(RawFormatError, match=r"row 2, column 'Linking ID'.*'L1'"):
        raw.links_2016(path)


def json_record(**changes):
    record = {key: "" for key in raw.PROJECTS_2017.columns}
    record.update(project_id=1, project_name="x", support_tags=[{"id": "1", "name": "Science"}])
    record.update(changes)
    return record


def test_json_values_as_text(tmp_path):
    path = write(tmp_path, "projects2.json", json.dumps([json_record(start_date=None)]))
    frame = raw.projects_2017(path)
    assert frame.loc[1, "project_id"] == "1"
    assert frame.loc[1, "start_date"] is None
    assert json.loads(frame.loc[1, "support_tags"]) == [{"id": "1", "name": "Science"}]


def test_json_object_instead_of_list(tmp_path):
    path = write(tmp_path, "projects2.json", json.dumps({"data": [json_record()]}))
    with pytest.raises(RawFormatError, match=r"projects2\.json: top level is a JSON dict"):
        raw.projects_2017(path)


def test_truncated_json(tmp_path):
    path = write(tmp_path, "projects2.json", json.dumps([json_record()])[:-10])
    with pytest.raises(RawFormatError, match=r"projects2\.json, line 1: malformed or truncated"):
        raw.projects_2017(path)


def test_json_record_missing_key(tmp_path):
    record = json_record()
    del record["focus"]
    path = write(tmp_path, "projects2.json", json.dumps([json_record(), record]))
    with pytest.raises(RawColumnsError, match=r"projects2\.json, row 2, column 'focus'"):
        raw.projects_2017(path)


def test_every_error_is_a_raw_data_error(tmp_path):
    path = write(tmp_path, "projects2.json", b"\xff\xfe")
    with pytest.raises(RawDataError, match="projects2.json"):
        raw.projects_2017(path)
