"""Run `surveykit` with one more plugin: the catalogues named in $PSEUDO_CATALOGUES
(``domain:language:path``, one a line), as a third-party catalogue plugin
would register them.  Used as ``python pseudo_boot.py answer ...``."""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path

import surveykit.plugins
from surveykit import Plugins, hookimpl
from surveykit.cli import main
from surveykit.i18n import Catalogue


def _with_pseudo_catalogues() -> Plugins:
    entries = [e for e in os.environ["PSEUDO_CATALOGUES"].splitlines() if e]
    catalogues = []
    for entry in entries:
        domain, language, path = entry.split(":", 2)
        catalogues.append(Catalogue(domain, language, Path(path)))
    module = types.ModuleType("pseudo_catalogues")

    @hookimpl
    def surveykit_register_catalogues(register):
        for catalogue in catalogues:
            register(catalogue)

    module.surveykit_register_catalogues = surveykit_register_catalogues
    plugins = Plugins()
    plugins.load_entry_points()
    plugins.register(module)
    return plugins


if __name__ == "__main__":
    surveykit.plugins._default = _with_pseudo_catalogues()
    sys.exit(main(sys.argv[1:]))
