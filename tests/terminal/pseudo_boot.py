"""Run `surveykit` with one more plugin: the catalogues named in $PSEUDO_CATALOGUES
(``domain:language:path``, one a line), as a third-party catalogue plugin
would register them.  Used as ``python pseudo_boot.py answer ...``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import surveykit.plugins
from surveykit import Plugins
from surveykit.cli import main
from surveykit.i18n import Catalogue

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pseudolocale import catalogue_plugin


def _with_pseudo_catalogues() -> Plugins:
    entries = [e for e in os.environ["PSEUDO_CATALOGUES"].splitlines() if e]
    catalogues = []
    for entry in entries:
        domain, language, path = entry.split(":", 2)
        catalogues.append(Catalogue(domain, language, Path(path)))
    plugins = Plugins()
    plugins.load_entry_points()
    plugins.register(catalogue_plugin(catalogues))
    return plugins


if __name__ == "__main__":
    surveykit.plugins._default = _with_pseudo_catalogues()
    sys.exit(main(sys.argv[1:]))
