"""iness: clean tables, frameworks and figures for studying digital social
innovation platforms of the social and solidarity economy."""
from .errors import (DataFetchError, DataHashError, InessError, RawDataError, SurveyError,
                     ValidationError)

from .tables import load

__version__ = "0.1.0"

__all__ = ["DataFetchError", "DataHashError", "InessError", "RawDataError", "SurveyError",
           "ValidationError", "__version__", "load"]
