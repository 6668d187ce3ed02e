"""A plugin adds a language to the software's words: ``surveykit_register_catalogues``."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveykit.errors import PluginError
from surveykit.hookspecs import hookimpl
from surveykit.i18n import Catalogue, catalogues_in, known_languages, translator
from surveykit.plugins import Plugins

CORNISH = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Continue"
msgstr "Pesya"

msgid "Save"
msgstr ""

#, fuzzy
msgid "Back"
msgstr "War-dhelergh"
"""


def _catalogue_plugin(folder: Path, domain: str) -> object:
    class Cornish:
        @hookimpl
        def surveykit_register_catalogues(self, register):
            for catalogue in catalogues_in(folder, domain):
                register(catalogue)

    return Cornish()


def _written(tmp_path: Path, domain: str) -> Path:
    po = tmp_path / "locale" / "kw" / "LC_MESSAGES" / f"{domain}.po"
    po.parent.mkdir(parents=True)
    po.write_text(CORNISH, encoding="utf-8")
    return tmp_path / "locale"


def test_hook_register_catalogues(tmp_path):
    folder = _written(tmp_path, "my_domain")
    plugins = Plugins()
    plugins.register(_catalogue_plugin(folder, "my_domain"), name="cornish")
    assert list(plugins.catalogues) == ["my_domain/kw"]
    assert "kw" in known_languages(plugins)
    words = translator("my_domain", "kw", plugins)
    assert words("Continue") == "Pesya"
    # An empty or fuzzy entry, or a message the catalogue lacks, shows the English.
    assert [words(m) for m in ("Save", "Back", "Start now")] == ["Save", "Back", "Start now"]
    # Another domain, or another language, has no Cornish: English again.
    assert translator("other_domain", "kw", plugins)("Continue") == "Continue"
    assert translator("my_domain", "cy", plugins)("Continue") == "Continue"


def test_two_plugins_giving_one_domain_in_one_language_are_both_named(tmp_path):
    folder = _written(tmp_path, "my_domain")
    plugins = Plugins()
    plugins.register(_catalogue_plugin(folder, "my_domain"), name="first")
    plugins.register(_catalogue_plugin(folder, "my_domain"), name="second")
    with pytest.raises(PluginError, match=r"first.*second"):
        plugins.catalogues  # noqa: B018


def test_a_catalogue_is_named_by_its_domain_and_language(tmp_path):
    folder = _written(tmp_path, "my_domain")
    (found,) = catalogues_in(folder, "my_domain")
    assert found == Catalogue("my_domain", "kw", folder / "kw" / "LC_MESSAGES" / "my_domain.po")
    assert found.name == "my_domain/kw"
