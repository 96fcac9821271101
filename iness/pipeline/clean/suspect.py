"""Spam, test and keyboard-mash records, flagged with a reason (never dropped)."""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

import numpy as np
import pandas as pd

from iness.text import distinct, distinct_keys, map_distinct, normalise_key, spread

#: whole names that are placeholders typed while testing the site
PLACEHOLDER_NAMES = frozenset({
    "test", "testing", "test project", "test organisation", "xxx", "xx", "x", "a", "adf",
    "bleh", "bob", "none", "country", "asdf", "qwerty", "ffewfw", "foo", "bar", "name",
    "my project", "project", "organisation", "organization", "n a", "na", "off", "tes",
})
#: placeholder names with a number or a filler word: 'test2', 'project prova', 'prova2'
PLACEHOLDER_PATTERN = re.compile(r"^(?:(?:my |project |test )?(?:test|testing|prova|xxx)"
                                 r"(?: project)? ?\d*)$")
#: names whose letters were replaced by '?' (a lost encoding) are unreadable
GARBLED_MIN_QUESTION_MARKS = 3

#: keyword patterns on the name, website and free tags, with their reason
#: ("homework help" is not one: genuine learning platforms, Brainly among them,
#: describe themselves so)
SPAM_PATTERNS = (
    ("essay_mill", r"essay|essa4|\bassignments? help|writing services?|acad\w* writing|"
                   r"\bwriters? den\b|dissertation|term papers?|"
                   r"nursing online tools|online education merge|\btal co\b"),
    ("seo_or_commercial_spam", r"\bseo\b|geometry ?dash|happy ?wheels|sniper games?|"
                               r"dark ?spots|dermatology|\btaxi\b|\bcab service|casino|"
                               r"\bloans?\b.*\bcheap|viagra|replica watches|\bctp\b|"
                               r"weight loss|skin care|five nights at|social bookmarking"),
)

#: patterns strong enough to be trusted inside a long description too
#: ('taxi' or 'skin care' in a description is ordinary prose, 'essay writing service' is not)
DESCRIPTION_PATTERNS = (
    ("essay_mill", r"essay writing|writing service|assignment help|assignment writing|"
                   r"dissertation writing"),
    ("seo_or_commercial_spam", r"\bseo\b"),
)

_WORD = re.compile(r"[a-z]+")


@lru_cache(maxsize=1)
def _english_bigrams() -> dict[str, float]:
    """Log-probabilities of letter bigrams, trained on the package's own labels
    and a short English sample (no data file needed, so it is deterministic)."""
    from iness.pipeline.clean.vocab import facet_labels
    corpus = " ".join(facet_labels()["label_en"]).lower() + " " + _ENGLISH_SAMPLE
    counts = Counter()
    for word in _WORD.findall(corpus):
        padded = f"^{word}$"
        counts.update(padded[i:i + 2] for i in range(len(padded) - 1))
    total = sum(counts.values())
    return {pair: math.log(count / total) for pair, count in counts.items()}


_ENGLISH_SAMPLE = """
the digital social innovation platform connects citizens communities and organisations
across europe to share knowledge open data and tools for health education democracy
energy environment culture work employment neighbourhood science finance economy we build
networks of makers hackers researchers volunteers foundations charities social enterprises
and public bodies our mission is to support people with technology for social good through
crowdfunding crowdsourcing mapping learning events workshops and collaboration between
cities regions universities schools hospitals museums libraries cooperatives and startups
information transparency accountability participation inclusion refugees migrants women
youth elderly disability sustainability mobility food water housing design art music
laboratory research innovation development management services network community project
"""


def bigram_score(name: str) -> float:
    """Mean log-probability of the letter bigrams of a name (lower = less word-like)."""
    table = _english_bigrams()
    floor = min(table.values()) - 2.0
    words = _WORD.findall(name.lower())
    pairs = [f"^{w}$"[i:i + 2] for w in words for i in range(len(w) + 1)]
    if not pairs:
        return floor
    return sum(table.get(pair, floor) for pair in pairs) / len(pairs)


#: mean bigram log-probability under which a one-word name reads as a keyboard mash
MASH_THRESHOLD = -7.6
_VOWELS = set("aeiouy")


def _reads_unlike_words(text: str) -> bool:
    letters = [char for char in text.lower() if char.isalpha()]
    if len(letters) < 5:
        return False
    vowel_share = sum(char in _VOWELS for char in letters) / len(letters)
    return vowel_share < 0.4 and bigram_score(text) < MASH_THRESHOLD


def is_keyboard_mash(name: str | None, companions: tuple = ()) -> bool:
    """A one-word name of 5+ characters that repeats few characters, or that is
    all lower or all upper case and reads unlike any word (few vowels, rare
    letter pairs). Brand capitalisation (``voXup``, ``Piqniq``) is left alone, and
    a short all-caps name (an acronym?) counts only when another field of the
    record (``companions``: street, city...) is gibberish too.

    >>> [is_keyboard_mash(n) for n in ("qdsfds", "r2t2t2t2t2", "kznaxaonozc", "NJZPVEPZN")]
    [True, True, True, True]
    >>> [is_keyboard_mash(n) for n in ("Goteo", "ESSRG", "ekovizija", "UKFast", "ncdlinks")]
    [False, False, False, False, False]
    >>> is_keyboard_mash("JBQAM", companions=("Kurfurstenstr. 141", "v zjdkOVZ"))
    True
    """
    if not name or " " in name.strip():
        return False
    compact = name.strip()
    if len(compact) < 5 or not compact.isalnum():
        return False
    if len(set(compact.lower())) / len(compact) <= 0.4:
        return True
    if not (compact.islower() or compact.isupper()):
        return False
    if not _reads_unlike_words(compact):
        return False
    if compact.isupper() and len(compact) <= 6:
        return any(_reads_unlike_words(str(text)) for text in companions if text)
    return True


def _first_hit(patterns, texts) -> str | None:
    haystack = " ".join(str(text).lower() for text in texts if text)
    haystack += " " + " ".join(normalise_key(text) for text in texts if text)
    for reason, pattern in patterns:
        if re.search(pattern, haystack):
            return reason
    return None


def name_reason(name: str | None) -> str | None:
    """The reasons a name alone gives: empty, placeholder, garbled or keyboard mash."""
    return _keyed_name_reason(name, normalise_key(name))


def _keyed_name_reason(name: str | None, key: str) -> str | None:
    """:func:`name_reason` given the name's :func:`normalise_key`."""
    if not key:
        return "empty_name"
    if key in PLACEHOLDER_NAMES or PLACEHOLDER_PATTERN.match(key):
        return "test_or_placeholder"
    if str(name).count("?") >= GARBLED_MIN_QUESTION_MARKS:
        return "garbled_name"
    if is_keyboard_mash(name):
        return "keyboard_mash"
    return None


def suspect_reason(name: str | None, labels: tuple = (), descriptions: tuple = (),
                   companions: tuple = ()) -> str | None:
    """Why a record looks like spam or a test entry, or ``None``. ``labels`` are
    short fields (website, free tags); ``descriptions`` long free text;
    ``companions`` short fields that support a keyboard-mash verdict (see
    :func:`is_keyboard_mash`).

    >>> suspect_reason("Buy2essays.com")
    'essay_mill'
    >>> suspect_reason("bleh"), suspect_reason("prova2"), suspect_reason("Open Food Facts")
    ('test_or_placeholder', 'test_or_placeholder', None)
    >>> suspect_reason("Aff?rd?bl? Air??rt tr?n?f?r")
    'garbled_name'
    >>> suspect_reason("BeWelcome", descriptions=("instead of trying to find a taxi",))
    """
    reason = name_reason(name)
    if reason:
        return reason
    if companions and is_keyboard_mash(name, companions):
        return "keyboard_mash"
    return (_first_hit(SPAM_PATTERNS, (name, *labels))
            or _first_hit(DESCRIPTION_PATTERNS, descriptions))


def _lowered(uniques: np.ndarray) -> list[str]:
    """Distinct values as text lower-cased by pandas' string dtype (Arrow's lower
    case, not always Python's)."""
    return pd.Series(uniques, dtype=object).astype(str).str.lower().tolist()


def _haystack(columns: list[pd.Series], distinct_names: tuple | None = None) -> pd.Series:
    """Lower-cased text and normalised keys of several columns, side by side, each
    computed once per distinct value (``distinct_names``: the first column's
    codes, distinct values and keys, when already computed)."""
    lowered, normalised = [], []
    for position, column in enumerate(columns):
        if position == 0 and distinct_names is not None:
            codes, uniques, keys = distinct_names
        else:
            codes, uniques = distinct(column)
            keys = distinct_keys(uniques)
        lowered.append(spread(_lowered(uniques), codes, "", column.index))
        normalised.append(spread(keys, codes, "", column.index))
    return pd.Series([" ".join(parts) for parts in zip(*lowered, *normalised)],
                     index=columns[0].index, dtype="str")


def _pattern_hits(hay: pd.Series, patterns) -> pd.Series:
    reason = pd.Series(None, index=hay.index, dtype=object)
    for name, pattern in patterns:
        hit = hay.str.contains(pattern, regex=True).fillna(False).astype(bool)
        reason = reason.where(reason.notna() | ~hit, name)
    return reason


def flag_suspects(names: pd.Series, labels: list[pd.Series] = (),
                  descriptions: list[pd.Series] = (),
                  companions: list[pd.Series] = ()) -> pd.DataFrame:
    """``is_suspect`` and ``suspect_reason`` for each record: the same verdicts as
    :func:`suspect_reason`, computed column-wise (names once per distinct value,
    keyword patterns over whole columns)."""
    codes, uniques = distinct(names)
    keys = distinct_keys(uniques)
    reason = spread([_keyed_name_reason(name, key) for name, key in zip(uniques, keys)],
                    codes, name_reason(None), names.index)
    if len(companions):
        # only short all-caps names (acronyms?) need their record's other fields
        acronym = map_distinct(names, lambda name: isinstance(name, str)
                               and name.strip().isupper() and len(name.strip()) <= 6)
        candidates = (reason.isna() & acronym.astype(bool)).to_numpy().nonzero()[0]
        for position in candidates:
            companion = tuple(column.iloc[position] for column in companions)
            if is_keyboard_mash(names.iloc[position], companion):
                reason.iloc[position] = "keyboard_mash"
    spam = _pattern_hits(_haystack([names, *labels], (codes, uniques, keys)), SPAM_PATTERNS)
    reason = reason.where(reason.notna(), spam)
    if len(descriptions):
        prose = _pattern_hits(_haystack(list(descriptions)), DESCRIPTION_PATTERNS)
        reason = reason.where(reason.notna(), prose)
    reason = reason.astype(object).where(reason.notna(), None)
    return pd.DataFrame({"is_suspect": reason.notna(), "suspect_reason": reason})
