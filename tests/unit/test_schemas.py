"""The processed tables' schemas come from one data dictionary."""
import pandas as pd
import pytest

from iness.reference import dictionary as data_dictionary
from iness.store import schemas
from iness.errors import ValidationError


def test_every_table_has_a_schema_built_from_the_dictionary():
    dictionary = data_dictionary.dictionary()
    assert set(schemas.SCHEMAS) == set(dictionary["table"])
    for table, schema in schemas.SCHEMAS.items():
        assert set(schema.columns) == set(dictionary.query("table == @table")["column"])
    assert dictionary["meaning_en"].str.len().gt(0).all()
    assert dictionary["meaning_fr"].str.len().gt(0).all()


def test_a_choice_column_refuses_a_value_outside_its_vocabulary():
    links = pd.DataFrame({"project_id": ["p1", "p2"], "org_id": ["o1", "o1"],
                          "wave": pd.Series([2024, 2024], dtype="int16"),
                          "role": ["delivery-lead", "pilot"]})
    with pytest.raises(ValidationError, match="links: column 'role'.*'pilot'"):
        schemas.validate_tables({"links": links})
    schemas.validate_tables({"links": links.assign(role=["delivery-lead", None])})


def test_the_key_is_unique():
    links = pd.DataFrame({"project_id": ["p1", "p1"], "org_id": ["o1", "o1"],
                          "wave": pd.Series([2024, 2024], dtype="int16"), "role": [None, None]})
    with pytest.raises(ValidationError):
        schemas.validate_tables({"links": links})


def test_an_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="unknown column kind 'colour'"):
        schemas._column("colour", True, "")


def test_the_dictionary_page_has_a_section_per_table_in_both_languages():
    for lang, word in (("en", "Meaning"), ("fr", "Sens")):
        page = data_dictionary.dictionary_markdown(lang)
        assert page.count("\n## ") + page.startswith("## ") == len(schemas.SCHEMAS)
        assert word in page and "`coding_status`" in page
