"""The ``iness`` command: fetch, build, report, run."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from iness.errors import InessError

DESCRIPTION = """\
iness: the DSI4EU survey, cleaned, analysed and reported.

commands:
  fetch    download the five DSI4EU files into data/raw/dsi4eu/ (hash-checked;
           set INESS_DATA_MIRROR to a local folder or URL to use a mirror)
  build    clean the raw files into validated tables in data/processed/dsi4eu/
           and print the cleaning ledger and the taxonomy coverage
  report   execute every notebook and write HTML pages, figures and tables to
           reports/ (English) and reports/fr/ (French); --lang en for one
  run      fetch, build and report, in that order
  survey   clean a researcher's own survey file (template CSV or Excel) and
           run every notebook on it: tables in data/processed/<name>/,
           pages in reports/<name>/ (<name>: the file name, or --name);
           iness writes only into new or empty folders or folders it made
           (they carry a .iness-output file), and swaps each in whole
  template write a blank survey template (CSV and Excel) into a folder
  coding   code a sample of a survey by hand: `coding sample` writes one sheet
           per coder, `coding merge` reads them back, prints Krippendorff's
           alpha and writes the adjudication sheet; `--final` settles it into
           data/coding/<name>/codings.csv
"""


def command_fetch(args) -> None:
    from iness.pipeline import fetch
    for outcome in fetch.fetch_all():
        print(f"{outcome.action:>10}  {outcome.name}")


def command_build(args) -> None:
    from iness.build import NEXT_AFTER_BUILD, build_and_print
    build_and_print(raw_folder=getattr(args, "raw_folder", None),
                    force=getattr(args, "force", False),
                    verbose=getattr(args, "verbose", False),
                    next_step=None if getattr(args, "command", None) == "run"
                    else NEXT_AFTER_BUILD)


def command_report(args) -> None:
    from iness.paths import reports_dir
    from iness.report import edition_dir, write_editions
    write_editions({lang: edition_dir(reports_dir(), lang) for lang in editions(args)},
                   notebooks=args.notebook or None, force=getattr(args, "force", False),
                   in_place=getattr(args, "in_place", False))
    index = edition_dir(reports_dir(), editions(args)[0]) / "index.html"
    if getattr(args, "command", None) == "report":
        print(f"Open {index} in a browser (it works offline).")


def editions(args) -> tuple[str, ...]:
    """The editions asked for (``--lang``), English first; all by default."""
    from iness.i18n import LANGUAGES
    asked = getattr(args, "lang", None) or LANGUAGES
    return tuple(lang for lang in LANGUAGES if lang in asked)


def command_survey(args) -> None:
    from pathlib import Path

    from iness.outputs import survey_name
    from iness.build import build_survey
    from iness.paths import processed_dir, reports_dir
    from iness.report import edition_dir, write_editions
    source = Path(args.path)
    name = None if args.out and args.no_report else survey_name(source, args.name)
    from iness.pipeline.survey_file import describe_detection, detect
    print("Reading " + describe_detection(detect(source)))
    tables = Path(args.out) if args.out else processed_dir(name)
    tables = build_survey(source, tables, wave=args.wave, name=args.name)
    print("\n".join(survey_lines(tables, name or tables.name, args.verbose)))
    if not args.no_report:
        write_editions({lang: edition_dir(reports_dir() / name, lang)
                        for lang in editions(args)}, parameters={"DATA": str(tables)})


def survey_lines(tables: Path, name: str, verbose: bool = False) -> list[str]:
    """What ``iness survey`` says of the tables it wrote: read, kept, set aside,
    and the platforms per social issue as counts; the talk's table with their
    names goes to a log file (printed too with ``verbose``)."""
    from iness.analysis import (reference_method, survey_category_table, survey_examples,
                                unread_values)
    from iness.store.survey import survey as load_survey
    from iness.store.tables import load_all
    from iness.summary import survey_summary, write_log
    everything = load_all(tables, include_suspect=True)
    clean = load_survey(tables)
    method = reference_method(clean, "category")
    examples = survey_examples(clean, "category", method=method)
    talk_table = survey_category_table(clean, method=method)
    named = talk_table.iloc[:, [0, 3]].to_csv(index=False, lineterminator="\n")
    log = write_log(f"survey-{name}-social-issues", named)
    lines = survey_summary(everything["ledger"], clean.projects, unread_values(everything),
                           examples[examples["target_id"] != "none"], method, tables, log)
    if verbose:
        lines += ["The talk's table of social issues, with this survey's platforms:",
                  talk_table.iloc[:, [0, 3]].to_string(index=False)]
    return lines


def command_template(args) -> None:
    from iness.pipeline.own_survey import write_template
    for path in write_template(args.folder):
        print(f"wrote {path}")


def coding_survey(source: str, name: str | None, classifier: bool = False):
    """(name, tables with suspects, DSI4EU's final coding or None) of ``SURVEY``:
    ``dsi4eu``, a survey file (read as ``iness survey`` reads it; the classifier
    only for ``classifier``: blind sheets do not need it) or the name of a
    survey built by ``iness survey``."""
    from pathlib import Path

    from iness.errors import InessError
    from iness.outputs import survey_name
    from iness.paths import processed_dir
    from iness.store import codes
    from iness.store.tables import load_all
    if source.lower() == "dsi4eu":
        return "dsi4eu", load_all(processed_dir(), include_suspect=True), codes.final_codings()
    path = Path(source)
    if path.is_file():
        from iness.build import dsi4eu_projects, survey_tables
        from iness.pipeline.clean.adapters import template
        from iness.pipeline.own_survey import DEFAULT_WAVE, checked_survey
        from iness.pipeline.survey_file import describe_detection, detect
        print("Reading " + describe_detection(detect(path)))
        name = survey_name(path, name)
        records = template(checked_survey(path), path.name, DEFAULT_WAVE)
        tables, _ = survey_tables(records, training=lambda _: dsi4eu_projects()
                                  if classifier else None)
        return name, tables, None
    if (processed_dir(source) / "projects.parquet").is_file():
        return source, load_all(processed_dir(source), include_suspect=True), None
    raise InessError(f"{source}: no such survey file, nor a survey built by `iness survey` "
                     f"under that name; expected a survey file, a built survey's name or dsi4eu")


def command_coding_sample(args) -> None:
    from iness.coding import workbench
    from iness.paths import coding_dir
    name, tables, coding = coding_survey(args.survey, args.name, classifier=args.suggest)
    units = workbench.coding_units(tables["projects"], coding)
    sample = workbench.draw_sample(units, args.n, args.stratify, args.seed)
    coders = workbench.coder_names(args.coders)
    suggested = (workbench.suggestions(tables["codes"], tables["projects"], args.lang)
                 if args.suggest else None)
    out = args.out or coding_dir(name)
    files = workbench.sample_files(sample, coders, name, args.lang, suggested,
                                   strata=workbench.frame_strata(units, args.stratify))
    workbench.write_files(out, files, keep_edited=False)
    strata = sample.drop_duplicates("stratum").sort_values("stratum")
    print(f"Sample {workbench.sample_id(sample)} of {name}: {len(sample)} of {len(units)} "
          f"codable units (seed {args.seed}" + (f", stratified by {args.stratify}: " + ", ".join(
              f"{row.stratum} {row.sampled}/{row.population}" for row in strata.itertuples())
              if args.stratify else "") + ")")
    if len(sample) < args.n:
        print(f"note: --n {args.n} is more than the survey's codable units: all are sampled")
    for file in sorted(files):
        print(f"wrote {out}/{file}")
    print("Blind sheets" if not args.suggest else "Sheets with the classifier's guesses in "
          "marked columns", f"for {', '.join(coders)}; when filled: iness coding merge "
          f"{out}/coding_{coders[0]}.xlsx ...")


def command_coding_merge(args) -> None:
    import pandas as pd

    from iness.coding import workbench
    from iness.errors import InessError
    from iness.paths import coding_dir
    from pathlib import Path
    sheets = [Path(path) for path in args.sheets]
    if args.name is None and args.out is None:
        names = {workbench._about(path).get("survey") for path in sheets} - {None}
        if len(names) != 1:
            raise InessError("the sheets do not say which survey they code (CSV sheets, or "
                             "several surveys): give --name NAME or --out FOLDER")
        args.name = names.pop()
    out = Path(args.out) if args.out else coding_dir(args.name)
    design = out / workbench.SAMPLE_FILE
    sample = pd.read_csv(design, dtype=str) if design.is_file() else None
    merged = workbench.merge_sheets(sheets, args.final, sample)
    coders = [sheet.coder for sheet in merged.sheets]
    print(f"{len(sheets)} sheets ({', '.join(coders)}), {len(merged.sheets[0].rows)} units")
    print(workbench.reliability_text(merged.reliability))
    files = workbench.merge_files(merged)
    kept = workbench.write_files(out, files, keep_edited=True)
    for file in sorted(files):
        state = "kept (edited since iness wrote it)" if file in kept else "wrote"
        print(f"{state} {out}/{file}")
    units = merged.disagreements["unit_id"].nunique()
    print(f"{len(merged.disagreements)} disagreements on {units} unit{'s' if units != 1 else ''}, listed in "
          f"{out}/{workbench.ADJUDICATION_FILE}")
    if merged.codings is not None:
        print(f"Settled coding of {args.name or out.name}: {out}/{workbench.CODINGS_FILE}")


def command_run(args) -> None:
    for step in (command_fetch, command_build, command_report):
        started = time.perf_counter()
        step(args)
        print(f"[{step.__name__.removeprefix('command_')} done in "
              f"{time.perf_counter() - started:.1f} s]")
    from iness.paths import reports_dir
    from iness.report import edition_dir
    index = edition_dir(reports_dir(), editions(args)[0]) / "index.html"
    print(f"Open {index} in a browser (it works offline); explore the tables with "
          "`jupyter lab notebooks/` or `iness.load`.")


def add_verbose_option(sub) -> None:
    sub.add_argument("--verbose", action="store_true",
                     help="print the detailed figures too (ledger, reliability, scores, "
                     "names), not only the summary and the path of the log holding them")


def add_lang_option(sub, where: str, default: tuple[str, ...] | None = None) -> None:
    from iness.i18n import LANGUAGES
    sub.add_argument("--lang", nargs="+", choices=LANGUAGES, default=default,
                     help=f"the report's editions ({where}; default: "
                     f"{' '.join(default or LANGUAGES)})")


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="iness", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    main_parser.add_argument("--debug", action="store_true",
                             help="show the full traceback on error")
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("fetch", help="download the raw DSI4EU files (hash-checked)"
                        ).set_defaults(handler=command_fetch)
    build_parser = commands.add_parser("build", help="clean raw files into data/processed/")
    build_parser.add_argument(
        "--raw-folder", help="read the five files from this folder (laid out like the "
        "mirror) instead of the hash-checked cache")
    build_parser.add_argument("--force", action="store_true",
                              help="rebuild even when the raw files and iness are unchanged")
    add_verbose_option(build_parser)
    build_parser.set_defaults(handler=command_build)
    for name, handler, text in (("report", command_report, "execute notebooks, write reports/"),
                                ("run", command_run, "fetch, build and report")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--notebook", action="append",
                         help="only this notebook (file name; repeatable)")
        sub.add_argument("--in-place", action="store_true",
                         help="also save the executed notebooks back into notebooks/ "
                         "(refreshes the outputs that nbval compares)")
        sub.add_argument("--force", action="store_true",
                         help="redo everything, even what is up to date (by default, "
                         "a page or table whose inputs are unchanged is kept)")
        add_lang_option(sub, "en fr: both, the French one in reports/fr/")
        if name == "run":
            add_verbose_option(sub)
        sub.set_defaults(handler=handler)
    survey_parser = commands.add_parser(
        "survey", help="clean your own survey file and run the notebooks on it")
    survey_parser.add_argument("path", help="survey file in the template (.csv or .xlsx)")
    survey_parser.add_argument("--out", help="folder for the tables: new, empty or made "
                               "by iness (default data/processed/<name>/)")
    survey_parser.add_argument("--name", help="name of the survey's folders (default: the "
                               "file name without its extension)")
    survey_parser.add_argument("--wave", type=int, help="survey year for rows without one")
    survey_parser.add_argument("--no-report", action="store_true",
                               help="only write the tables")
    add_lang_option(survey_parser, "en: reports/<name>/; fr: reports/<name>/fr/",
                    default=("en",))
    add_verbose_option(survey_parser)
    survey_parser.set_defaults(handler=command_survey)
    template_parser = commands.add_parser("template", help="write a blank survey template")
    template_parser.add_argument("folder", help="where to write template.csv and template.xlsx")
    template_parser.set_defaults(handler=command_template)
    add_coding_parser(commands)
    return main_parser


def add_coding_parser(commands) -> None:
    from iness.i18n import LANGUAGES
    coding = commands.add_parser("coding", help="code a sample of a survey by hand: sample, "
                                 "merge, adjudicate")
    steps = coding.add_subparsers(dest="step", required=True, metavar="STEP")
    sample = steps.add_parser("sample", help="draw a sample and write one coding sheet per "
                              "coder (.xlsx and .ods)")
    sample.add_argument("survey", help="a survey file, the name of a built survey, or dsi4eu "
                        "(its coded units)")
    sample.add_argument("--n", type=int, default=100, help="units to draw (default 100)")
    sample.add_argument("--stratify", metavar="COL", help="draw proportionally within the "
                        "values of this project column (dsi4eu: also confidence, the final "
                        "coding's)")
    sample.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    sample.add_argument("--coders", nargs="+", default=["2"], help="how many coders (a, b, "
                        "...) or their names (default 2)")
    sample.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the "
                        "drop-down labels, instructions and codebook sheet (default en)")
    sample.add_argument("--suggest", action="store_true", help="add the classifier's guesses "
                        "in separate, marked columns (sheets are blind by default)")
    sample.add_argument("--name", help="the survey's name (default: the file name)")
    sample.add_argument("--out", help="folder for the sheets: new, empty or made by iness "
                        "(default data/coding/<name>/)")
    sample.set_defaults(handler=command_coding_sample)
    merge = steps.add_parser("merge", help="read the filled sheets: alpha per variable, "
                             "adjudication sheet; --final: the settled codings.csv")
    merge.add_argument("sheets", nargs="+", metavar="SHEET", help="the coders' filled sheets "
                       "(.xlsx, .ods or .csv; never modified)")
    merge.add_argument("--final", metavar="ADJUDICATED", help="the filled adjudication sheet: "
                       "write codings.csv (each coder's rows and the final ones)")
    merge.add_argument("--name", help="the survey's name (default: read from the sheets)")
    merge.add_argument("--out", help="folder for the outputs (default data/coding/<name>/)")
    merge.set_defaults(handler=command_coding_merge)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from iness.outputs import Interrupted, stop_on_signals
    try:
        with stop_on_signals():
            args.handler(args)
    except Interrupted as stop:
        from iness.outputs import interrupted_message
        print(f"iness {args.command}: {interrupted_message()}", file=sys.stderr)
        return 128 + stop.signum
    except (InessError, OSError, KeyError, ValueError) as error:
        if args.debug:
            raise
        message = " ".join(str(error).split())
        print(f"iness {args.command}: error: {type(error).__name__}: {message}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
