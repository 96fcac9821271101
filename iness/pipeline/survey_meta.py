"""What a researcher's survey says of itself: its title, description, licence
and citation (from ``iness survey --title/--licence`` or an optional
``survey.toml`` beside the file), and the wave its detailed analyses use.

``survey.toml`` (every key optional)::

    title = "Civic participation directory"
    description = "425 organisations listed in 2024"
    licence = "CC BY 4.0"
    citation = "Doe, J. (2024). Civic participation directory. Zenodo."

The report shows them in its index and in every page's header and footer, so
that a report made from her survey speaks of her survey.
"""
from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

from iness.errors import SurveyError

#: the file of a survey's own description, beside the survey file
META_FILE = "survey.toml"
KEYS = ("title", "description", "licence", "citation")


@dataclass(frozen=True)
class SurveyMeta:
    """A survey's own description and the wave analysed in detail."""
    title: str
    description: str | None = None
    licence: str | None = None
    citation: str | None = None
    wave: int | None = None
    #: "latest" (the default) or "chosen" (``--wave``)
    wave_rule: str = "latest"
    waves: tuple[int, ...] = ()

    def notebook_parameters(self, tables: Path | str) -> dict:
        """What the notebooks of its report are run with: its tables' folder,
        the wave analysed in detail, and this description."""
        return {"DATA": str(tables), "WAVE": self.wave, "SURVEY": self.as_parameter()}

    def as_parameter(self) -> dict:
        """The notebooks' ``SURVEY`` parameter (plain values, so that it is
        injected as a literal and digested for the rerun cache)."""
        found = asdict(self)
        found["waves"] = list(self.waves)
        return found


def read_meta_file(path: Path) -> dict[str, str]:
    """The keys of a ``survey.toml`` (none when there is no such file); an
    unknown key or a value that is not text is a one-line :class:`SurveyError`."""
    if not path.is_file():
        return {}
    try:
        found = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SurveyError(f"{path}: not TOML ({error}); expected lines such as "
                          'title = "My survey"') from error
    for key, value in found.items():
        if key not in KEYS:
            raise SurveyError(f"{path}: unknown key {key!r}; expected {', '.join(KEYS)}")
        if not isinstance(value, str) or not value.strip():
            raise SurveyError(f"{path}, key {key!r}: expected a text in double quotes")
    return {key: " ".join(value.split()) for key, value in found.items()}


def analysed_wave(waves: tuple[int, ...], asked: int | None, source: Path | None = None
                  ) -> tuple[int, str]:
    """(the wave the detailed analyses use, "latest" or "chosen"): the one asked
    for, which the survey must hold, else its latest.

    >>> analysed_wave((2019, 2021), None), analysed_wave((2019, 2021), 2019)
    ((2021, 'latest'), (2019, 'chosen'))
    """
    if asked is None:
        return max(waves), "latest"
    if asked not in waves:
        where = f"{source}: " if source else ""
        raise SurveyError(f"{where}no wave {asked} in the survey; expected one of "
                          f"{', '.join(map(str, waves))} (--wave)")
    return asked, "chosen"


def survey_meta(source: Path, waves: tuple[int, ...], *, title: str | None = None,
                licence: str | None = None, wave: int | None = None) -> SurveyMeta:
    """The survey's description: the command line's ``title`` and ``licence``
    first, then ``survey.toml`` beside ``source``, then the file's name as title
    (the licence is then unknown: the report says it is not stated)."""
    found = read_meta_file(Path(source).with_name(META_FILE))
    given = {key: value for key, value in (("title", title), ("licence", licence))
             if value and value.strip()}
    found.update({key: " ".join(value.split()) for key, value in given.items()})
    chosen, rule = analysed_wave(tuple(waves), wave, source)
    return SurveyMeta(title=found.get("title", Path(source).stem),
                      description=found.get("description"), licence=found.get("licence"),
                      citation=found.get("citation"), wave=chosen, wave_rule=rule,
                      waves=tuple(waves))
