"""The main job run twice from the same raw files gives the same bytes: tables,
figures (PNG and PDF) and HTML pages. Checked on a small synthetic survey."""
import hashlib
import shutil

from iness import build, outputs, report
from iness.pipeline import synthetic


def content(path):
    """A file's bytes; a marker's without the lines binding it to its folder."""
    if path.name != outputs.MARKER:
        return path.read_bytes()
    return b"".join(line for line in path.read_bytes().splitlines(keepends=True)
                    if not line.startswith((b"# folder: ", b"# digest: ")))


def digests(folder):
    return {str(path.relative_to(folder)): hashlib.sha256(content(path)).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def main_job(raw, target):
    build.build(target / "tables", raw_folder=raw)
    report.write_report(notebooks=["01_the_data.ipynb", "05_scaling.ipynb"],
                        target=target / "reports", parameters={"DATA": str(target / "tables")})
    return digests(target / "tables"), digests(target / "reports")


def test_main_job_is_byte_stable(tmp_path):
    raw = synthetic.write_survey(tmp_path / "raw", scale=0.05, seed=11)
    tables_a, reports_a = main_job(raw, tmp_path / "run")
    tables_b, reports_b = main_job(raw, tmp_path / "run")  # same paths: outputs replaced
    # 16 tables (the two measurement tables of the coding included), the marker, inputs.json
    assert tables_a == tables_b and len(tables_a) == 20
    assert reports_a == reports_b
    kinds = {name.rsplit(".", 1)[-1] for name in reports_a}
    assert {"html", "png", "pdf"} <= kinds and "svg" not in kinds


def test_an_edition_run_in_a_shared_kernel_is_the_one_a_fresh_kernel_writes(tmp_path):
    """iness run executes a notebook's French run in the kernel of its English
    run (after %reset -f): every file of that edition must be what a fresh
    kernel writes. 02 numbers its unnamed tables; 07 keeps its typology."""
    raw = synthetic.write_survey(tmp_path / "raw", scale=0.05, seed=11)
    build.build(tmp_path / "tables", raw_folder=raw)
    data = {"DATA": str(tmp_path / "tables")}
    names = ["02_social_issues.ipynb", "07_typology.ipynb"]
    shared = tmp_path / "shared"
    report.write_editions({"en": shared, "fr": shared / "fr"}, notebooks=names,
                          parameters=data)
    # beside the same English edition, so that its pages link to it as the shared run's do
    shutil.copytree(shared, tmp_path / "alone", ignore=shutil.ignore_patterns("fr"))
    alone = report.write_report(notebooks=names, target=tmp_path / "alone" / "fr",
                                parameters=data, lang="fr")
    assert digests(shared / "fr") == digests(alone)
    assert any("table_01" in name for name in digests(alone))
