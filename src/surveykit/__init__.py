"""surveykit: run public consultations as data.

The core (spec, conditions, engine) is pure Python with no I/O beyond reading a spec file;
storage, renderers, kinds and reports come from pluggy plugins.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Where each public name lives.  Names are imported on first use (PEP 562), so that a command
#: loads only what it needs: ``surveykit --help`` reads no spec, opens no store.
_HOME = {
    "parse_condition": "conditions",
    "Checked": "engine",
    "Engine": "engine",
    "AnswerProblem": "errors",
    "AnswersRejected": "errors",
    "ClosedError": "errors",
    "ConditionSyntaxError": "errors",
    "DetailsError": "errors",
    "LinkError": "errors",
    "PluginError": "errors",
    "RosterError": "errors",
    "SecretError": "errors",
    "SpecError": "errors",
    "SpecProblem": "errors",
    "StorageError": "errors",
    "SubmissionError": "errors",
    "SurveykitError": "errors",
    "hookimpl": "hookspecs",
    "Respondent": "identity",
    "Secret": "identity",
    "Token": "identity",
    "load_secret": "identity",
    "EMPTY": "kinds",
    "QuestionKind": "kinds",
    "Rejected": "kinds",
    "Choice": "model",
    "Consultation": "model",
    "Metadata": "model",
    "Option": "model",
    "Question": "model",
    "Section": "model",
    "Plugins": "plugins",
    "Registry": "plugins",
    "get_plugins": "plugins",
    "load_spec": "spec",
    "loads_spec": "spec",
    "packaged_specs": "spec",
    "spec_path": "spec",
    "Store": "storage",
    "Submission": "storage",
    "open_store": "storage",
    "KnownRespondent": "submit",
    "Receipt": "submit",
    "SubmitService": "submit",
}


def __getattr__(name: str) -> Any:
    """A public name, or a submodule (``surveykit.spec``), imported on first use."""
    home = _HOME.get(name)
    if home is not None:
        value = getattr(importlib.import_module(f".{home}", __name__), name)
        globals()[name] = value
        return value
    try:
        return importlib.import_module(f".{name}", __name__)
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])


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
