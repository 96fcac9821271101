"""iness: clean tables, frameworks and figures for studying digital social
innovation platforms of the social and solidarity economy."""
import warnings
from importlib import import_module

from iness.errors import (DataFetchError, DataHashError, InessError, RawDataError,
                          SurveyError, ValidationError)
from iness.store.survey import Survey, survey
from iness.store.tables import load

__version__ = "0.1.0"

#: reading a researcher's survey needs scikit-learn (the classifier): imported on
#: first use, so that ``iness run`` with nothing to do starts fast
_LAZY = {"build_survey": "build", "read_survey": "build"}

__all__ = ["DataFetchError", "DataHashError", "InessError", "RawDataError", "SurveyError",
           "Survey", "ValidationError", "__version__", "build_survey", "load", "read_survey",
           "survey"]


#: the modules' flat names before the package had its stages: ``from iness import
#: figures`` still works but warns (DeprecationWarning); they go in 0.2 (CHANGELOG.md)
MOVED = {"taxonomy": "reference.taxonomy", "codebook": "reference.codebook",
         "references": "reference.references", "fetch": "pipeline.fetch",
         "raw": "pipeline.raw", "own_survey": "pipeline.own_survey",
         "declared": "pipeline.declared", "synthetic": "pipeline.synthetic",
         "clean": "pipeline.clean", "tables": "store.tables", "schemas": "store.schemas",
         "codes": "store.codes", "measure": "coding.measure",
         "classifier": "coding.classifier", "reliability": "coding.reliability",
         "claims": "analysis.claims", "economy": "analysis.economy",
         "scaling": "analysis.scaling", "typology": "analysis.typology",
         "figures": "notebook.figures", "geo": "notebook.geo",
         "explore": "notebook.explore"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        value = getattr(import_module(f"iness.{_LAZY[name]}"), name)
    elif name in MOVED:
        warnings.warn(f"iness.{name} is now iness.{MOVED[name]}: import it from there "
                      "(the old name goes in iness 0.2)", DeprecationWarning, stacklevel=2)
        value = import_module(f"iness.{MOVED[name]}")
    else:
        raise AttributeError(f"module 'iness' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
