"""Editions of the report in several languages, from one source per notebook.

Two kinds of text are translated, each the way a translator expects it:

- a notebook's Markdown cells, whole, keyed by the cell's id (``msgctxt``
  ``cell:<id>``): prose keeps its flow, links and tables;
- the sentences and words that code computes, marked in the code with ``_()``
  (gettext's convention) and written with named placeholders:
  ``_("{n} platforms").format(n=num(n))``; the words the package itself
  writes (figure labels, verdicts) are keys of ``labels.csv``.

The translations are gettext catalogues (PO files, one per notebook, in
``iness/data/i18n/<lang>/``), read with Babel, editable with any PO editor.
``python -m iness.i18n update NOTEBOOK...`` creates or refreshes a notebook's
catalogue: translations already made are kept, those whose English changed
become *fuzzy*, and a fuzzy or empty translation is never used. Numbers follow
the language through Babel (CLDR): ``63 %`` and ``1 234`` in French.

English is the source: in English every ``_()`` returns its message as written.
"""
from __future__ import annotations

import ast
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

from iness.errors import InessError
from iness.paths import PACKAGE_DATA

LANGUAGES = ("en", "fr")
SOURCE_LANGUAGE = "en"
#: Babel locale of each language (number formats)
LOCALES = {"en": "en_GB", "fr": "fr_FR"}
CATALOGUE_DIR = PACKAGE_DATA / "i18n"
#: set to 1, a missing translation is an error instead of English (tests)
STRICT_VARIABLE = "INESS_I18N_STRICT"
#: the context of a Markdown cell's translation, and of a table header's
CELL_CONTEXT = "cell:{}"
COLUMN_CONTEXT = "column"

_STATE = {"language": SOURCE_LANGUAGE}
#: messages asked for in a language that has no translation for them (English shown)
MISSING: set[tuple[str, str | None, str]] = set()


class MissingTranslation(InessError):
    """A message has no translation in the language asked for (strict mode)."""


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


def set_language(lang: str) -> None:
    """The language of everything computed from now on: sentences, numbers, labels."""
    _STATE["language"] = check_language(lang)


def language(lang: str | None = None) -> str:
    """``lang`` if given, else the language set last."""
    return check_language(lang) if lang else _STATE["language"]


def catalogue_path(name: str, lang: str) -> Path:
    return CATALOGUE_DIR / lang / f"{name}.po"


def _read_po(path: Path):
    from babel.messages.pofile import read_po
    with path.open("rb") as handle:
        return read_po(handle, locale=lang_locale(path.parent.name))


def lang_locale(lang: str) -> str:
    return LOCALES.get(lang, lang)


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[tuple[str | None, str], str]:
    """Every usable translation of a language: (context, English) -> text.
    The same message translated two ways in two catalogues is an error."""
    found: dict[tuple[str | None, str], tuple[str, Path]] = {}
    for path in sorted((CATALOGUE_DIR / lang).glob("*.po")):
        for message in _read_po(path):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not message.id or not all(strings) or message.fuzzy:
                continue
            key = (message.context, message.id)
            if key in found and found[key][0] != message.string:
                raise InessError(f"{path}: {message.id[:60]!r} is translated differently in "
                                 f"{found[key][1].name}; give it one translation")
            found[key] = (message.string, path)
    return {key: text for key, (text, _) in found.items()}


def strict() -> bool:
    """Whether a missing translation is an error (:data:`STRICT_VARIABLE`)."""
    return os.environ.get(STRICT_VARIABLE) == "1"


def translate(message: str, context: str | None = None, lang: str | None = None) -> str:
    """The message in the language set (English as written); a message with no
    translation stays English and is noted in :data:`MISSING` (or, in strict
    mode, raises :class:`MissingTranslation`)."""
    lang = language(lang)
    if lang == SOURCE_LANGUAGE:
        return message
    found = catalogue(lang).get((context, message))
    if found is None:
        if strict():
            raise MissingTranslation(
                f"no {lang} translation of {message[:80]!r}"
                + (f" (context {context})" if context else "")
                + f": add it to a catalogue in {CATALOGUE_DIR / lang} "
                "(python -m iness.i18n update NOTEBOOK)")
        MISSING.add((lang, context, message))
        return message
    return typography(found, lang)


def _(message: str) -> str:
    """gettext's marker: the message in the language set."""
    return translate(message)


def plural_index(n, lang: str | None = None) -> int:
    """Which plural form of a message ``n`` takes in the language (gettext's
    index, from Babel's plural rules: French says « 0 plateforme », « 2 plateformes »)."""
    import gettext

    from babel.messages.plurals import get_plural
    return gettext.c2py(get_plural(lang_locale(language(lang))).plural_expr)(int(n))


def ngettext(singular: str, plural: str, n, context: str | None = None,
             lang: str | None = None) -> str:
    """gettext's count form: the message for ``n`` in the language set, whole
    (``ngettext("{n} platform", "{n} platforms", n).format(n=num(n))``). In
    English, ``singular`` for 1 and ``plural`` otherwise; a missing translation
    is treated as :func:`translate` treats one."""
    lang = language(lang)
    english = singular if n == 1 else plural
    if lang == SOURCE_LANGUAGE:
        return english
    forms = catalogue(lang).get((context, (singular, plural)))
    if forms is None:
        if strict():
            raise MissingTranslation(f"no {lang} translation of the count message "
                                     f"{singular[:80]!r}: add it to a catalogue in "
                                     f"{CATALOGUE_DIR / lang}")
        MISSING.add((lang, context, singular))
        return english
    return typography(forms[min(plural_index(n, lang), len(forms) - 1)], lang)


def column(name):
    """A table header in the language set: its translation when a catalogue has
    one (context ``column``), else as it is (headers that are data, such as
    category labels, come translated already)."""
    if language() == SOURCE_LANGUAGE or not isinstance(name, str):
        return name
    return typography(catalogue(language()).get((COLUMN_CONTEXT, name), name))


# ---------------------------------------------------------------- typography

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
#: what typography never touches: fenced and inline code, HTML tags, addresses,
#: format placeholders (``{n:,}``) and LaTeX commands
_PROTECTED = re.compile(r"```.*?```|`[^`\n]*`|<[^<>\n]*>|https?://[^\s)>\]]+|\{[^{}\s]*\}"
                        r"|\\[A-Za-z%]+|&#?[A-Za-z0-9]+;", re.DOTALL)
#: what may follow ; : ! ? in running text (so that ``a:b``, ``?x=1``, ``![img]`` stay)
_AFTER_MARK = r"(?=\s|$|[*_)\]»\"'<.,|])"
_FRENCH_RULES = (
    # an ordinary or wide no-break space before ; : ! ? becomes a narrow one
    (re.compile(r"[ \u00a0]+([;:!?])" + _AFTER_MARK), NARROW_NBSP + r"\1"),
    # none at all after a letter or closing mark: one is added (not after digits: 10:30)
    (re.compile(r"(?<=[A-Za-zÀ-ÖØ-öø-ÿ)\]»*_%\ue001])(:)" + _AFTER_MARK), NARROW_NBSP + r"\1"),
    (re.compile(r"(?<=[A-Za-zÀ-ÖØ-öø-ÿ0-9)\]»*_%\ue001])([;!?])" + _AFTER_MARK),
     NARROW_NBSP + r"\1"),
    # inside « »
    (re.compile(r"«[ \u00a0\u202f]*"), "«" + NARROW_NBSP),
    (re.compile(r"[ \u00a0\u202f]*»"), NARROW_NBSP + "»"),
    # a number and its percent sign or unit, « n° » and its number
    (re.compile(r"(?<=[0-9\ue001])[ \u202f]?(%|€|k€|M€|km|kg|ms)(?![A-Za-z])"), NBSP + r"\1"),
    (re.compile(r"\b([nN]°)[ \u202f]?(?=[0-9\ue000])"), r"\1" + NBSP),
    # one apostrophe, the typographic one: l’exposé
    (re.compile(r"(?<=[A-Za-zÀ-ÖØ-öø-ÿ])'(?=[A-Za-zÀ-ÖØ-öø-ÿ])"), "\u2019"),
)


def typography(text, lang: str | None = None):
    """``text`` with the language's typography: in French a narrow no-break
    space (U+202F) before ``; : ! ?`` and inside « », a no-break space (U+00A0)
    between a number and ``%`` or its unit and after « n° », and the
    typographic apostrophe (’) within words; code, tags,
    addresses and ``{placeholders}`` are left as they are. Other languages,
    and anything not a string, unchanged. Applying it twice changes nothing.

    >>> typography("Valeurs: « oui » ; 63 % des n° 5 ?", "fr") == (
    ...     "Valeurs\u202f: «\u202foui\u202f»\u202f; 63\u00a0% des n°\u00a05\u202f?")
    True
    >>> typography("see https://a.org/?q=1 and `x: int`", "fr")
    'see https://a.org/?q=1 and `x: int`'
    >>> typography("{share} % des {n:,} projets: {k}!", "fr") == (
    ...     "{share}\u00a0% des {n:,} projets\u202f: {k}\u202f!")
    True
    """
    if not isinstance(text, str) or language(lang) != "fr" or not text:
        return text
    kept = []

    def keep(match):
        kept.append(match.group(0))
        return f"\ue000{len(kept) - 1}\ue001"

    text = _french_spaces(_PROTECTED.sub(keep, text))
    return re.sub("\ue000([0-9]+)\ue001", lambda match: kept[int(match.group(1))], text)


def _french_spaces(text: str) -> str:
    for pattern, replacement in _FRENCH_RULES:
        text = pattern.sub(replacement, text)
    return text


# ---------------------------------------------------------------- the package's words

LABELS = PACKAGE_DATA / "labels.csv"


@lru_cache(maxsize=None)
def labels():
    """The words the package writes (figure titles, axes, verdicts...): key, en, fr."""
    import pandas as pd
    return pd.read_csv(LABELS, dtype=str).set_index("key")


def label(key: str, lang: str | None = None, default: str | None = None) -> str:
    """The words of a ``labels.csv`` key in the language set (or ``lang``);
    ``default``, when given, for a key with no row."""
    table = labels()
    if key not in table.index:
        if default is not None:
            return default
        raise KeyError(f"no label {key!r} in {LABELS.name}")
    lang = language(lang)
    return typography(table.loc[key, lang], lang)


# ---------------------------------------------------------------- the glossary

GLOSSARY = CATALOGUE_DIR / "glossary.csv"
#: package data whose French columns are read by the glossary check (file, columns)
FRENCH_COLUMNS = (("labels.csv", ("fr",)),
                  ("codebook/variables.csv", ("applies_to_fr", "question_fr", "instruction_fr")),
                  ("codebook/values.csv", ("definition_fr", "include_fr", "exclude_fr")),
                  ("codebook/rules.csv", ("case_fr", "rule_fr")),
                  ("tables/dictionary.csv", ("meaning_fr",)),
                  ("tables/tables.csv", ("meaning_fr",)),
                  ("frameworks/crosswalk_fr.csv", ("justification_fr",)),
                  ("references.csv", ("reference_fr",)))


@lru_cache(maxsize=1)
def glossary():
    """One French word per concept of the field (``glossary.csv``): concept_id,
    english, french, source (``talk`` when it is the talk's own word), note, and
    ``variants_rejected``, the other French words a text must not use for it."""
    import pandas as pd
    return pd.read_csv(GLOSSARY, dtype=str, keep_default_na=False).set_index("concept_id")


#: a Markdown link's target and a file name: the file keeps its name (codebook.html)
_FILE_OR_LINK = re.compile(r"\]\([^)\s]*\)|\S+\.(?:html|csv|py|ipynb|po|md)\b")


def _variant_pattern(variant: str) -> re.Pattern:
    words = r"[ \u00a0\u202f]+".join(re.escape(word) for word in variant.split())
    words = words.replace("'", "['’]")
    return re.compile(rf"(?<![\w-]){words}(?![\w-])", re.IGNORECASE)


def glossary_breaches(text: str) -> list[tuple[str, str]]:
    """(concept, variant) of every rejected variant a French text uses, outside
    code, tags and addresses, and outside a parenthesis glossing the English
    word: « table de correspondance (crosswalk) » is fine.

    >>> glossary_breaches("le livre de codes et la table de correspondance (crosswalk)")
    [('codebook', 'livre de codes')]
    """
    text = _FILE_OR_LINK.sub(" ", _PROTECTED.sub(" ", text))
    found = []
    for concept, row in glossary().iterrows():
        gloss = re.compile(rf"\(\s*\*?{re.escape(row['english'])}\*?\s*\)", re.IGNORECASE)
        plain = gloss.sub(" ", text)
        for variant in filter(None, row["variants_rejected"].split("|")):
            if _variant_pattern(variant).search(plain):
                found.append((concept, variant))
    return found


def french_texts(lang: str = "fr"):
    """(where, text) of every French text the package holds: each translation of
    each catalogue, and each French cell of its data files."""
    import pandas as pd
    for path in sorted((CATALOGUE_DIR / lang).glob("*.po")):
        for message in _read_po(path):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for text in filter(None, strings):
                first = message.id[0] if isinstance(message.id, tuple) else message.id
                first = re.sub(r"\s+", " ", first)[:50]
                yield f"{path.name}, entry {first!r}", text
    for name, columns in FRENCH_COLUMNS:
        path = PACKAGE_DATA / name
        if not path.is_file():
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in columns:
            for row, text in enumerate(frame.get(column, []), start=2):
                yield f"{name}, row {row}, column {column}", text


def glossary_problems(lang: str = "fr") -> list[str]:
    """One line per French text that uses a variant the glossary rejects."""
    problems = []
    for where, text in french_texts(lang):
        for concept, variant in glossary_breaches(text):
            problems.append(f"{where}: uses « {variant} » for {concept}; the glossary says "
                            f"« {glossary().loc[concept, 'french']} »")
    return problems


# ---------------------------------------------------------------- numbers

def pct(value: float, digits: int = 0, lang: str | None = None) -> str:
    """A share as a percentage: ``42%`` in English, ``42 %`` in French."""
    lang = language(lang)
    if lang == SOURCE_LANGUAGE:
        return f"{value * 100:.{digits}f}%"
    from babel.numbers import format_decimal
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value * 100, format=pattern, locale=lang_locale(lang)) + "\u00a0%"


def num(value, digits: int = 0, lang: str | None = None) -> str:
    """A number with the language's grouping and decimal mark: ``1,234.5`` in
    English, ``1 234,5`` in French."""
    lang = language(lang)
    if lang == SOURCE_LANGUAGE:
        return f"{value:,.{digits}f}"
    from babel.numbers import format_decimal
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=lang_locale(lang))


def decimal_mark(lang: str | None = None) -> str:
    from babel.numbers import get_decimal_symbol
    return get_decimal_symbol(lang_locale(language(lang)))


def group_mark(lang: str | None = None) -> str:
    from babel.numbers import get_group_symbol
    return get_group_symbol(lang_locale(language(lang)))


# ---------------------------------------------------------------- dates and sentences

def long_date(value, lang: str | None = None) -> str:
    """A date written out as prose writes it (Babel, CLDR): ``26 March 2017``,
    ``26 mars 2017``; ``value`` a date, a datetime, a pandas Timestamp or ISO text."""
    import datetime

    from babel.dates import format_date
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    if hasattr(value, "date") and callable(value.date):
        value = value.date()
    return format_date(value, format="long", locale=lang_locale(language(lang)))


#: small whole numbers in words, for a sentence that would start with a digit
NUMBER_WORDS = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
           "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"),
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
           "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize"),
}


def spelled(n, lang: str | None = None, feminine: bool = False) -> str:
    """A whole number up to sixteen in words (« une » when ``feminine``), any
    other number in figures: ``spelled(3, "fr") == "trois"``."""
    lang = language(lang)
    if float(n).is_integer() and 0 <= int(n) < len(NUMBER_WORDS[lang]):
        word = NUMBER_WORDS[lang][int(n)]
        return "une" if feminine and word == "un" else word
    return num(n, lang=lang)


#: a sentence's first number (digits with their group marks, maybe a decimal, a %)
_OPENING_NUMBER = re.compile(r"(?P<n>[0-9][0-9\u202f\u00a0 ]*(?:[.,][0-9]+)?)(?P<rest>.*)",
                             re.DOTALL)
#: where a sentence starts: the text's start, or after . ! ? and a space, unless
#: the word before is an abbreviation (p. 12, fig. 3, et al. 2015)
_SENTENCE_START = re.compile(r"(?:^|(?<=[.!?])[*_)»]*[ \n]+)(?=[0-9])")
_ABBREVIATION = re.compile(r"(?:^|[\s(])(?:p|pp|fig|vol|cf|al|éd|n|no|chap|art)\.$", re.IGNORECASE)
#: a Markdown list item (``1. ``) or a year (``2016 :``) is not a count
_NOT_A_COUNT = re.compile(r"[0-9]+[.)] |(?:19|20)[0-9]{2}(?:[ \u00a0\u202f]*[:;,)–-]|$)")


def _open_sentence(text: str, lang: str) -> str:
    if _NOT_A_COUNT.match(text):
        return text
    found = _OPENING_NUMBER.match(text)
    figures = found.group("n").rstrip()
    rest = found.group("rest") if found.group("n") == figures else (
        found.group("n")[len(figures):] + found.group("rest"))
    if figures.isdigit() and 2 <= int(figures) < len(NUMBER_WORDS[lang]) \
            and not rest.lstrip().startswith("%"):
        return NUMBER_WORDS[lang][int(figures)].capitalize() + rest
    return ("Au total, " if lang == "fr" else "In all, ") + text


def sentence_starts(text: str, lang: str | None = None) -> str:
    """French never starts a sentence with a digit: a count up to sixteen is
    written in words (« Trois plateformes… »), any other number is led in
    (« Au total, 30 % des plateformes… »). List items and years are left.
    English text is returned as it is.

    >>> sentence_starts("3 plateformes. 30 % des projets. 1. Un item", "fr")
    'Trois plateformes. Au total, 30 % des projets. 1. Un item'
    """
    lang = language(lang)
    if lang == SOURCE_LANGUAGE or not isinstance(text, str):
        return text
    out, position = [], 0
    starts = [found.end() for found in _SENTENCE_START.finditer(text)
              if not _ABBREVIATION.search(text[:found.start()])]
    for index, start in enumerate(starts):
        out.append(text[position:start])
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        out.append(_open_sentence(text[start:end], lang))
        position = end
    out.append(text[position:])
    return "".join(out)


#: a date written the ISO way in a sentence (2017-03-26)
_ISO_DATE = re.compile(r"(?<![\w-])((?:19|20)[0-9]{2}-[01][0-9]-[0-3][0-9])(?![\w-])")


def written_dates(text: str, lang: str | None = None) -> str:
    """ISO dates in prose written out in the language (« 26 mars 2017 »);
    English prose and dates inside code are left as they are.

    >>> written_dates("avant le 2017-03-26, puis `2017-03-27`", "fr")
    'avant le 26 mars 2017, puis `2017-03-27`'
    """
    if language(lang) == SOURCE_LANGUAGE or not isinstance(text, str):
        return text
    pieces = re.split(r"(`[^`]*`)", text)
    return "".join(piece if piece.startswith("`") else
                   _ISO_DATE.sub(lambda found: long_date(found.group(1), lang), piece)
                   for piece in pieces)


def polish(text, lang: str | None = None):
    """A computed French sentence as it is printed: sentences opened in words
    (:func:`sentence_starts`), dates written out (:func:`written_dates`) and
    French typography (:func:`typography`)."""
    return typography(sentence_starts(written_dates(text, lang), lang), lang)


# ---------------------------------------------------------------- notebooks

def translate_notebook(notebook, lang: str):
    """The notebook with its Markdown cells in ``lang`` (in place; returned).
    A cell whose English has no usable translation stays English and is
    noted in :data:`MISSING` (or raises, in strict mode)."""
    if check_language(lang) == SOURCE_LANGUAGE:
        return notebook
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            cell.source = translate(cell.source, CELL_CONTEXT.format(cell.get("id")), lang)
    return notebook


def _code_without_magics(source: str) -> str:
    """IPython lines (``%magic``, ``!shell``) blanked, so that ast can parse a cell."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


def marked_messages(source: str) -> list[str]:
    """The literal messages of every ``_("...")`` call in Python code, and the
    (singular, plural) pair of every ``ngettext("...", "...", n)``."""
    found = []
    for node in ast.walk(ast.parse(_code_without_magics(source))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "ngettext" and len(node.args) >= 2
                and all(isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                        for arg in node.args[:2])):
            found.append((node.args[0].value, node.args[1].value))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "_" and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            found.append(node.args[0].value)
    return found


def notebook_messages(path: Path) -> list[tuple[str | None, str]]:
    """(context, English) of everything to translate in a notebook: its Markdown
    cells, then the messages its code marks, in order, each once."""
    import nbformat
    notebook = nbformat.read(path, as_version=4)
    messages: list[tuple[str | None, str]] = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            messages.append((CELL_CONTEXT.format(cell.get("id")), cell.source))
        elif cell.cell_type == "code":
            try:
                messages += [(None, text) for text in marked_messages(cell.source)]
            except SyntaxError as error:
                raise InessError(f"{path.name}, cell {cell.get('id')}: cannot read its "
                                 f"code for messages to translate: {error}") from None
    return list(dict.fromkeys(messages))


def update_catalogue(path: Path, lang: str = "fr") -> tuple[Path, dict]:
    """Create or refresh the catalogue of one notebook: every message it holds,
    translations kept, changed ones fuzzy, messages no longer used kept as
    obsolete ``#~`` entries, table headers (context ``column``, added by hand)
    kept. Returns the path and the counts."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po
    path = Path(path)
    target = catalogue_path(path.stem, lang)
    template = Catalog(locale=lang_locale(lang), project="iness")
    for context, message in notebook_messages(path):
        template.add(message, context=context)
    if target.is_file():
        current = _read_po(target)
        # table headers are added by hand (no code marks them): never obsolete
        headers = [m for m in current if m.context == COLUMN_CONTEXT and m.id]
        current.update(template, update_header_comment=False)
        for message in headers:
            current.obsolete.pop(current._key_for(message.id, message.context), None)
            current.add(message.id, message.string, context=message.context,
                        flags=message.flags)
    else:
        current = Catalog(locale=lang_locale(lang), project="iness")
        for message in template:
            if message.id:
                current.add(message.id, context=message.context)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        write_po(handle, current, width=0, omit_header=True, ignore_obsolete=False)
    catalogue.cache_clear()
    return target, completeness(path, lang)


def completeness(path: Path, lang: str = "fr") -> dict:
    """How many of a notebook's messages have a usable translation."""
    usable = catalogue(lang)
    messages = notebook_messages(Path(path))
    missing = [message for message in messages if message not in usable]
    return {"messages": len(messages), "translated": len(messages) - len(missing),
            "missing": missing}


def main(argv: list[str] | None = None) -> int:
    """``python -m iness.i18n update NOTEBOOK... [--lang fr]`` and
    ``python -m iness.i18n check [NOTEBOOK...] [--lang fr]`` (completeness of the
    notebooks' catalogues, and every French text against the glossary)."""
    import argparse
    parser = argparse.ArgumentParser(prog="python -m iness.i18n")
    parser.add_argument("action", choices=("update", "check"))
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--lang", default="fr", choices=LANGUAGES[1:])
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks:
        if args.action == "update":
            target, counts = update_catalogue(path, args.lang)
            print(f"{target}: ", end="")
        else:
            counts = completeness(path, args.lang)
            print(f"{path.name}: ", end="")
        print(f"{counts['translated']} of {counts['messages']} messages translated")
        for context, message in counts["missing"]:
            first = re.sub(r"\s+", " ", message)[:70]
            print(f"  missing [{context or 'code'}] {first}")
        status |= bool(counts["missing"]) and args.action == "check"
    if args.action == "check":
        problems = glossary_problems(args.lang)
        for line in problems:
            print(line)
        print(f"glossary ({GLOSSARY.name}): {len(problems)} French texts use a rejected variant")
        status |= bool(problems)
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
