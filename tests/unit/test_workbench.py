"""The coding workbench (``iness coding sample`` / ``merge``): tiny surveys made
here, sheets filled with openpyxl as a coder would, merged back."""
import hashlib
import zipfile

import krippendorff
import numpy as np
import openpyxl
import pandas as pd
import pytest

from iness import cli
from iness.coding import reliability, workbench
from iness.paths import processed_dir
from iness.store import codes


def projects(count: int, countries=("FR", "DE")) -> pd.DataFrame:
    """A tiny survey's projects: the last one without description, one suspect."""
    frame = pd.DataFrame({
        "project_id": [f"P{i}" for i in range(count)], "wave": 2024,
        "project_name": [f"Project {i}" for i in range(count)],
        "description": [f"An online platform number {i} where people share tools"
                        for i in range(count)],
        "website_domain": [f"p{i}.org" for i in range(count)],
        "country_code": [countries[i % len(countries)] for i in range(count)],
        "is_suspect": False})
    frame.loc[count - 1, "description"] = None
    frame.loc[count - 2, "is_suspect"] = True
    return frame


def sample_folder(tmp_path, n=8, coders=("a", "b"), lang="en", suggested=None):
    units = workbench.coding_units(projects(20))
    sample = workbench.draw_sample(units, n, seed=3)
    files = workbench.sample_files(sample, list(coders), "tiny", lang, suggested)
    folder = tmp_path / "coding"
    workbench.write_files(folder, files, keep_edited=False)
    return folder, sample


#: a coder's codes for a unit: (usable, is_platform, categories, primary, activities, scope)
PLATFORM = ("yes", "yes", ["sharing"], "Sharing", ["matching"], "local (A city, a district or a region)")


def fill(source, target, codes_of, coder_cells=None):
    """Fill a sheet as a coder would in a spreadsheet: drop-down texts, 'yes'
    in the value columns, a reason; ``codes_of(row_number)`` gives the codes."""
    book = openpyxl.load_workbook(source)
    sheet = book["coding"]
    header = [cell.value for cell in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        usable, platform, categories, primary, activities, scope = codes_of(row)
        values = {"usable": usable, "is_platform": platform, "primary_category": primary,
                  "scope": scope, "confidence": "high", "reason": f"row {row} says so"}
        for variable, chosen in (("categories", categories), ("activities", activities)):
            for value in chosen:
                values[next(h for h in header if h.endswith(f"[{variable}:{value}]"))] = "yes"
        values.update((coder_cells or {}).get(row, {}))
        for column, value in values.items():
            sheet.cell(row, header.index(column) + 1, value)
    book.save(target)
    return target


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- sample

def test_sample_is_reproducible_with_a_seed_and_skips_uncodable_projects():
    units = workbench.coding_units(projects(30))
    assert len(units) == 28  # no description, suspect: never coded
    first = workbench.draw_sample(units, 10, seed=7)
    assert first.equals(workbench.draw_sample(units.sample(frac=1, random_state=1)
                                              .reset_index(drop=True), 10, seed=7))
    assert set(first["unit_id"]) != set(workbench.draw_sample(units, 10, seed=8)["unit_id"])
    assert first[workbench.SAMPLE_COLUMNS].iloc[0][["stratum", "population", "sampled",
                                                     "seed"]].tolist() == ["all", 28, 10, 7]


def test_stratified_sample_is_proportional_and_records_the_design():
    frame = projects(402, countries=("FR",) * 3 + ("DE",))
    units = workbench.coding_units(frame)
    sample = workbench.draw_sample(units, 40, stratify="country_code", seed=1)
    counts = sample["stratum"].value_counts()
    population = units["country_code"].value_counts()
    assert counts["FR"] == 30 and counts["DE"] == 10
    design = sample.drop_duplicates("stratum").set_index("stratum")
    assert design.loc["FR", "population"] == population["FR"]
    assert design.loc["DE", "sampled"] == 10
    with pytest.raises(workbench.CodingSheetError, match="no such column.*country_code"):
        workbench.draw_sample(units, 5, stratify="continent")


def test_allocation_keeps_two_per_small_stratum():
    sizes = workbench.allocate(pd.Series({"big": 500, "small": 3, "one": 1}), 20)
    assert sizes.tolist() == [17, 2, 1] and sizes.sum() == 20


def test_sheets_are_blind_with_drop_downs_codebook_and_about(tmp_path):
    folder, sample = sample_folder(tmp_path, lang="fr")
    book = openpyxl.load_workbook(folder / "coding_a.xlsx")
    assert book.sheetnames[0] == "coding" and "codebook" in book.sheetnames
    header = [cell.value for cell in book["coding"][1]]
    assert not any("CLASSIFIER" in h or "SUGGESTION" in h for h in header)
    assert "Éducation [categories:education]" in header and header[-1] == "reason"
    rules = book["coding"].data_validations.dataValidation
    usable = header.index("usable") + 1
    letter = openpyxl.utils.get_column_letter(usable)
    rule = next(r for r in rules if f"{letter}2" in str(r.sqref))
    column = rule.formula1.split("!")[1].split(":")[0].replace("$", "")[0]
    assert [c.value for c in book["lists"][column] if c.value] == ["oui", "non"]
    codebook_text = " ".join(str(c.value) for row in book["codebook"].iter_rows() for c in row)
    assert "Règles de décision" in codebook_text and "Est-ce une plateforme" in codebook_text
    about = dict(book["about"].iter_rows(values_only=True))
    assert about["sample_id"] == workbench.sample_id(sample) and about["coder"] == "a"
    content = zipfile.ZipFile(folder / "coding_a.ods").read("content.xml").decode()
    assert 'cell-content-is-in-list("oui";"non")' in content
    assert "table:content-validation-name" in content


def test_suggestions_only_on_request_in_marked_columns(tmp_path):
    suggested = pd.DataFrame({"unit_id": ["x"], f"{workbench.SUGGESTION_PREFIX}: categories":
                              ["Sharing"]})
    book = workbench.coding_workbook(workbench.draw_sample(
        workbench.coding_units(projects(6)), 3, seed=1), "a", "tiny", "en", suggested)
    assert book.sheets["coding"][0][-1].startswith("CLASSIFIER GUESS (not a coding")


def test_a_new_sample_never_replaces_a_sheet_filled_in_place(tmp_path):
    folder, _ = sample_folder(tmp_path)
    fill(folder / "coding_a.xlsx", folder / "coding_a.xlsx", lambda row: PLATFORM)
    other = workbench.draw_sample(workbench.coding_units(projects(20)), 5, seed=9)
    with pytest.raises(Exception, match="coding_a.xlsx differs from what iness wrote"):
        workbench.write_files(folder, workbench.sample_files(other, ["a", "b"], "tiny", "en"),
                              keep_edited=False)


# ---------------------------------------------------------------- merge

def coded_pair(tmp_path):
    """Both coders' filled sheets: b disagrees on rows 3 (not a platform) and 4
    (education instead of sharing)."""
    folder, sample = sample_folder(tmp_path)
    a = fill(folder / "coding_a.xlsx", tmp_path / "a.xlsx", lambda row: PLATFORM)
    differ = {3: ("oui", "non", ["sharing"], "sharing", [], "local"),
              4: ("TRUE", "1", ["education"], "Éducation", ["matching"], "local"),
              5: ("vrai", "yes", ["sharing"], "sharing", ["matching"], "local")}
    b = fill(folder / "coding_b.xlsx", tmp_path / "b.xlsx",
             lambda row: differ.get(row, PLATFORM))
    return folder, sample, a, b


def test_round_trip_sample_fill_merge_adjudicate(tmp_path):
    _, sample, a, b = coded_pair(tmp_path)
    merged = workbench.merge_sheets([a, b], sample=sample, replicates=200)
    found = merged.disagreements
    assert set(zip(found["unit_id"], found["variable"])) == {
        (sample["unit_id"][1], "is_platform"), (sample["unit_id"][1], "activities"),
        (sample["unit_id"][2], "categories"), (sample["unit_id"][2], "primary_category")}
    assert found["final"].eq("").all()
    assert found.set_index("variable").at["is_platform", "b"] == "false"
    # the adjudicator settles: row 3 is a platform, row 4 is about education
    adjudication = tmp_path / "adjudication.xlsx"
    adjudication.write_bytes(workbench.merge_files(merged)["adjudication.xlsx"])
    book = openpyxl.load_workbook(adjudication)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    finals = {"is_platform": "yes", "activities": "matching", "categories": "Education",
              "primary_category": "education"}
    for row in range(2, sheet.max_row + 1):
        variable = sheet.cell(row, header.index("variable") + 1).value
        sheet.cell(row, header.index("final") + 1, finals[variable])
        sheet.cell(row, header.index("final_reason") + 1, "the text says so")
    book.save(adjudication)
    settled = workbench.merge_sheets([a, b], adjudication, sample, replicates=200).codings
    text = workbench.codings_csv(settled).decode()
    assert text.splitlines()[0] == codes.CODING_FILE.read_text().splitlines()[0]
    final = settled[settled["coder"] == "final"].set_index("unit_id")
    assert final.at[sample["unit_id"][2], "categories"] == ["education"]
    assert final.at[sample["unit_id"][1], "activities"] == ["matching"]
    assert final.at[sample["unit_id"][0], "reason"].startswith("both coders agree; a: ")
    assert final.at[sample["unit_id"][2], "reason"] == \
        "settled (categories, primary_category): the text says so"
    assert len(settled) == 3 * len(sample)


def test_an_empty_final_is_an_error_naming_its_row(tmp_path):
    _, sample, a, b = coded_pair(tmp_path)
    merged = workbench.merge_sheets([a, b], sample=sample, replicates=50)
    adjudication = tmp_path / "adjudication.xlsx"
    adjudication.write_bytes(workbench.merge_files(merged)["adjudication.xlsx"])
    with pytest.raises(workbench.CodingSheetError,
                       match=r"adjudication.xlsx, row 2, column 'final': empty for unit"):
        workbench.merge_sheets([a, b], adjudication, sample, replicates=50)


def test_a_value_outside_the_codebook_is_one_line_naming_sheet_row_and_column(tmp_path):
    folder, _ = sample_folder(tmp_path)
    bad = fill(folder / "coding_a.xlsx", tmp_path / "a.xlsx", lambda row: PLATFORM,
               {5: {"scope": "regional"}})
    with pytest.raises(workbench.CodingSheetError) as error:
        workbench.read_coding_sheet(bad)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"{bad}, row 5, column 'scope': 'regional' is not in the codebook")
    assert "local, national, international, not_stated" in message
    ticked = fill(folder / "coding_a.xlsx", tmp_path / "a1.xlsx", lambda row: PLATFORM,
                  {2: {"Health [categories:health]": "x"}})
    assert workbench.read_coding_sheet(ticked).codings.at[0, "categories"] == ["health", "sharing"]
    rule = fill(folder / "coding_a.xlsx", tmp_path / "a2.xlsx", lambda row: PLATFORM,
                {2: {"primary_category": "Health"}})
    with pytest.raises(workbench.CodingSheetError, match="row 2, column 'primary_category': "
                       "'health' is not among the categories coded in this row"):
        workbench.read_coding_sheet(rule)


def test_csv_and_ods_sheets_read_as_the_xlsx(tmp_path):
    _, _, a, _ = coded_pair(tmp_path)
    from_xlsx = workbench.read_coding_sheet(a)
    frame = pd.read_excel(a, sheet_name="coding", dtype=str)
    frame.to_csv(tmp_path / "a.csv", index=False, sep=";", encoding="cp1252", errors="replace")
    with pd.ExcelWriter(tmp_path / "a.ods", engine="odf") as writer:
        frame.to_excel(writer, sheet_name="coding", index=False)
    for path in (tmp_path / "a.csv", tmp_path / "a.ods"):
        assert workbench.read_coding_sheet(path).codings.equals(from_xlsx.codings)


def test_sheets_of_another_sample_are_refused(tmp_path):
    _, sample, a, b = coded_pair(tmp_path)
    with pytest.raises(workbench.CodingSheetError, match="is not in the sample .sample.csv.; expected the units of one"):
        workbench.merge_sheets([a, b], sample=sample.iloc[1:].assign(
            unit_id=["zz"] + sample["unit_id"].iloc[2:].tolist()), replicates=10)


# ---------------------------------------------------------------- reliability

def test_alpha_is_the_intercoder_alpha_on_dsi4eu_coding():
    coding = codes.codings()
    ours = workbench.reliability_table(coding, ["a", "b"], replicates=20).set_index(
        ["variable", "target"])
    theirs = reliability.intercoder(coding).set_index(["variable", "target"])
    assert np.allclose(ours["alpha"], theirs.loc[ours.index, "alpha"], equal_nan=True)
    assert (ours["n"] == theirs.loc[ours.index, "n"]).all()
    usable = ours.loc[("is_platform", "")]
    assert usable["alpha_low"] < usable["alpha"] < usable["alpha_high"]


def test_bootstrap_alpha_of_unit_weights_one_is_krippendorffs():
    rng = np.random.default_rng(0)
    values = rng.integers(0, 3, size=(3, 40)).astype(str)
    values[1, :25] = values[0, :25]
    data = values.astype(float)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    weights = np.ones((1, 40), dtype=int)
    assert workbench.bootstrap_alpha(values, np.arange(40), weights)[0] == pytest.approx(expected)
    assert workbench.nominal_alpha(values) == pytest.approx(expected)


# ---------------------------------------------------------------- the command

def test_merge_command_is_byte_identical_on_rerun_and_never_touches_the_sheets(tmp_path, capsys):
    _, _, a, b = coded_pair(tmp_path)
    before = {path: digest(path) for path in (a, b)}
    out = tmp_path / "merged"
    assert cli.main(["coding", "merge", str(a), str(b), "--out", str(out)]) == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert cli.main(["coding", "merge", str(a), str(b), "--out", str(out)]) == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    assert {path: digest(path) for path in (a, b)} == before
    printed = capsys.readouterr().out
    assert "alpha=" in printed and "4 disagreements on 2 units" in printed
    assert "reliability.csv" in first and "adjudication.xlsx" in first


def test_merge_command_error_is_one_line(tmp_path, capsys):
    folder, _ = sample_folder(tmp_path)
    bad = fill(folder / "coding_a.xlsx", tmp_path / "a.xlsx", lambda row: PLATFORM,
               {3: {"usable": "maybe"}})
    assert cli.main(["coding", "merge", str(bad), str(bad), "--out", str(tmp_path / "o")]) == 1
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "row 3, column 'usable': 'maybe'" in error
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("step", ["sample", "merge"])
def test_help_writes_nothing(step, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        cli.main(["coding", step, "--help"])
    assert "usage: iness coding" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not (processed_dir() / "projects.parquet").is_file(),
                    reason="DSI4EU is not built (iness build)")
def test_dsi4eu_sample_stratified_by_the_final_codings_confidence():
    from iness.store.tables import load_all
    tables = load_all(processed_dir(), include_suspect=True)
    units = workbench.coding_units(tables["projects"], codes.final_codings())
    assert set(units["unit_id"]) <= set(codes.final_codings()["unit_id"])
    sample = workbench.draw_sample(units, 150, stratify="confidence", seed=1)
    assert len(sample) == 150 and set(sample["stratum"]) == {"high", "medium", "low"}
    guesses = workbench.suggestions(tables["codes"], tables["projects"], "en")
    assert guesses["unit_id"].isin(units["unit_id"]).mean() > 0.9


def test_sheets_filled_in_place_survive_merge_and_no_sample_is_written_over_them(tmp_path):
    folder, sample = sample_folder(tmp_path)
    for coder in ("a", "b"):
        fill(folder / f"coding_{coder}.xlsx", folder / f"coding_{coder}.xlsx",
             lambda row: PLATFORM)
    sheets = [folder / "coding_a.xlsx", folder / "coding_b.xlsx"]
    before = {path: digest(path) for path in sheets}
    assert cli.main(["coding", "merge", *map(str, sheets), "--out", str(folder)]) == 0
    assert {path: digest(path) for path in sheets} == before
    assert (folder / "reliability.csv").is_file() and (folder / "coding_a.ods").is_file()
    with pytest.raises(Exception, match="differs from what iness wrote"):
        workbench.write_files(folder, workbench.sample_files(sample, ["a", "b"], "tiny", "en"),
                              keep_edited=False)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_coding_written_into_a_sheet_reads_back_the_same(tmp_path, lang):
    """Every value of the codebook, written as the drop-downs show it, reads back."""
    sample = workbench.draw_sample(workbench.coding_units(projects(12)), 6, seed=2)
    scopes, levels = codebook_values("scope"), codebook_values("confidence")
    rows = [{"unit_id": unit, "project_name": name, "coder": "a", "usable": i != 5,
             "is_platform": None if i == 5 else i % 2 == 0,
             "categories": [] if i in (1, 5) else ["education", "health"][: 1 + i % 2],
             "primary_category": "" if i == 5 else "none" if i == 1 else "education",
             "activities": ["alerting", "matching"] if i % 2 == 0 and i != 5 else [],
             "resources": [] if i == 5 else ["market_fees", "reciprocity_crowdfunding"][: i % 3],
             "scope": "" if i == 5 else scopes[i % len(scopes)],
             "confidence": levels[i % len(levels)], "reason": f"because {i}"}
            for i, (unit, name) in enumerate(zip(sample["unit_id"], sample["project_name"]))]
    coding = pd.DataFrame(rows, columns=workbench.CODING_COLUMNS)
    book = workbench.coding_workbook(sample, "a", "tiny", lang, filled=coding)
    (tmp_path / "a.xlsx").write_bytes(workbench.xlsx_bytes(book))
    (tmp_path / "a.ods").write_bytes(workbench.ods_bytes(book))
    for path in (tmp_path / "a.xlsx", tmp_path / "a.ods"):
        read = workbench.read_coding_sheet(path).codings
        assert workbench.codings_csv(read) == workbench.codings_csv(coding)


def codebook_values(variable):
    from iness.reference import codebook
    return codebook.allowed(variable)
