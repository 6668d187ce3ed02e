"""Hook specifications: the whole public surface a surveykit plugin can implement.

Implementations may accept any subset of a hook's arguments.  Registry hooks receive a
``register`` callback owned by surveykit, which rejects name clashes with an error naming both
plugins.
"""

from pluggy import HookimplMarker, HookspecMarker

hookspec = HookspecMarker("surveykit")
hookimpl = HookimplMarker("surveykit")


@hookspec
def surveykit_register_question_kinds(register):
    """Register answer kinds: ``register(kind)`` with a :class:`surveykit.kinds.QuestionKind`."""


@hookspec
def surveykit_register_commands(cli):
    """Add subcommands to the ``surveykit`` click group ``cli``."""


@hookspec
def surveykit_register_renderers(register):
    """Register renderers (html, cli, email): ``register(renderer)``, named by ``renderer.name``."""


@hookspec
def surveykit_register_storage(register):
    """Register storage backends by URL scheme: ``register(backend)``, a ``StorageBackend``."""


@hookspec
def surveykit_register_aggregators(register):
    """Register report aggregators: ``register(aggregator)``, named by ``aggregator.name``."""


@hookspec
def surveykit_register_exporters(register):
    """Register report exporters: ``register(exporter)``, named by ``exporter.name`` (the value
    of ``surveykit report --format``)."""


@hookspec
def surveykit_register_catalogues(register):
    """Register message catalogues for the software's own words: ``register(catalogue)`` with a
    :class:`surveykit.i18n.Catalogue` (a ``.po`` file of one domain in one language); see
    :func:`surveykit.i18n.catalogues_in` and docs/languages.md."""


@hookspec
def surveykit_register_interchange(register):
    """Register how a question kind is imported from and exported to other form formats:
    ``register(mapping)`` with a :class:`surveykit.interchange.KindInterchange`, named by the
    kind it maps (``mapping.kind``); see docs/interchange.md."""


@hookspec
def surveykit_submitted(consultation, submission):
    """Called after a submission is stored (a :class:`surveykit.storage.Submission`)."""
