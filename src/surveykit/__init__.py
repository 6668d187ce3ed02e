"""surveykit: run public consultations as data.

The core (spec, conditions, engine) is pure Python with no I/O beyond reading a spec file;
storage, renderers, kinds and reports come from pluggy plugins.
"""

from .conditions import parse_condition
from .engine import Checked, Engine
from .errors import (
    AnswerProblem,
    AnswersRejected,
    ClosedError,
    ConditionSyntaxError,
    DetailsError,
    LinkError,
    PluginError,
    RosterError,
    SecretError,
    SpecError,
    SpecProblem,
    StorageError,
    SubmissionError,
    SurveykitError,
)
from .hookspecs import hookimpl
from .identity import Respondent, Secret, Token, load_secret
from .kinds import EMPTY, QuestionKind, Rejected
from .model import Choice, Consultation, Metadata, Option, Question, Section
from .plugins import Plugins, Registry, get_plugins
from .spec import load_spec, loads_spec, packaged_specs, spec_path
from .storage import Store, Submission, open_store
from .submit import KnownRespondent, Receipt, SubmitService

__version__ = "0.1.0.dev0"

__all__ = [
    "EMPTY",
    "AnswerProblem",
    "AnswersRejected",
    "Checked",
    "Choice",
    "ClosedError",
    "ConditionSyntaxError",
    "Consultation",
    "DetailsError",
    "Engine",
    "KnownRespondent",
    "LinkError",
    "Metadata",
    "Option",
    "PluginError",
    "Plugins",
    "Question",
    "QuestionKind",
    "Receipt",
    "Registry",
    "Rejected",
    "Respondent",
    "RosterError",
    "Secret",
    "SecretError",
    "Section",
    "SpecError",
    "SpecProblem",
    "StorageError",
    "Store",
    "Submission",
    "SubmissionError",
    "SubmitService",
    "SurveykitError",
    "Token",
    "get_plugins",
    "hookimpl",
    "load_secret",
    "load_spec",
    "loads_spec",
    "open_store",
    "packaged_specs",
    "parse_condition",
    "spec_path",
]
