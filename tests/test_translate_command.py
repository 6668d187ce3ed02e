"""``surveykit translate`` and ``validate --strict``, as a council's translator and its checks
use them: the skeleton is filled in, joins the spec, and then nothing is left to translate."""

from __future__ import annotations

import contextlib
import io
import re
import tomllib
from pathlib import Path

from surveykit.cli import main
from surveykit.translations import fingerprint

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "specs" / "examples" / "bilingual_example.toml"

SPEC = """\
[consultation]
id = "bins"
title = "Bin collections"
publisher = "Example Council"
closes = 2099-12-31
languages = ["en", "cy"]
translation_files = [{files}]
introduction = '''
We are changing bin days.

Tell us what you think.
'''

[[sections]]
id = "bins"
title = "Your bins"

[[sections.questions]]
id = "q1"
text = "How often should bins be collected?"
hint = "Think of your own street."
kind = "single"
options = [
  {{ value = "weekly", label = "Every week" }},
  {{ value = "fortnightly", label = "Every two weeks" }},
  {{ value = "5+", label = "More than \\"5\\" times a month" }},
]
"""


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def write_spec(folder: Path, *files: str) -> Path:
    spec = folder / "bins.toml"
    spec.write_text(SPEC.format(files=", ".join(f'"{f}"' for f in files)), encoding="utf-8")
    return spec


def fill(skeleton: str, prefix: str = "CY") -> str:
    """What a translator does: write a translation in each empty text."""
    count = iter(range(1, 1000))
    return re.sub(r'text = ""', lambda _: f'text = "{prefix} {next(count)}"', skeleton)


def test_the_skeleton_round_trip(tmp_path):
    """Every text is listed with its fingerprint and its words above it; filled in and named
    by translation_files, the spec validates strictly and nothing is left to translate."""
    spec = write_spec(tmp_path)
    status, out, err = run("translate", str(spec), "--out", str(tmp_path / "bins.cy.toml"))
    assert (status, out) == (0, "")
    assert err == f"{tmp_path / 'bins.cy.toml'}: written\n"
    skeleton = (tmp_path / "bins.cy.toml").read_text(encoding="utf-8")
    entries = tomllib.loads(skeleton)["translations"]["cy"]
    assert list(entries) == [
        "title",
        "publisher",
        "introduction",
        "sections.bins.title",
        "q1.text",
        "q1.hint",
        "q1.options.weekly",
        "q1.options.fortnightly",
        'q1.options."5+"',
    ]
    assert entries["q1.text"] == {
        "text": "",
        "source": fingerprint("How often should bins be collected?"),
    }
    assert "# q1.hint\n#   Think of your own street.\n" in skeleton
    assert "#   We are changing bin days.\n#\n#   Tell us what you think.\n" in skeleton
    # unfilled, it is refused: an empty translation is a mistake, not a translation
    write_spec(tmp_path, "bins.cy.toml")
    status, out, _ = run("validate", str(spec))
    assert status == 1
    assert f"{tmp_path / 'bins.cy.toml'}:" in out
    assert "is empty; write the translation" in out
    (tmp_path / "bins.cy.toml").write_text(fill(skeleton), encoding="utf-8")
    status, out, err = run("validate", "--strict", str(spec))
    assert (status, err) == (0, "")
    assert out.endswith("; in English (en) and Welsh (cy)\n")
    status, out, err = run("translate", str(spec))
    assert (status, out) == (0, "")
    assert err == f"{spec}: every text has an up-to-date Welsh (cy) translation\n"


def test_a_changed_text_is_listed_again_with_its_old_translation(tmp_path):
    spec = write_spec(tmp_path, "bins.cy.toml")
    (tmp_path / "bins.cy.toml").write_text("[translations.cy]\n")
    _, skeleton, _ = run("translate", str(spec), "--lang", "cy")
    (tmp_path / "bins.cy.toml").write_text(fill(skeleton))
    spec.write_text(spec.read_text().replace("Every two weeks", "Every other week"))
    status, out, _ = run("validate", str(spec))
    assert status == 0
    assert "warning: the Welsh (cy) translation of q1.options.fortnightly" in out
    assert run("validate", "--strict", str(spec))[0] == 1
    status, skeleton, _ = run("translate", str(spec))
    assert status == 0
    entries = tomllib.loads(skeleton)["translations"]["cy"]
    assert entries == {
        "q1.options.fortnightly": {"text": "", "source": fingerprint("Every other week")}
    }
    assert "#   Every other week\n# Out of date: translated from an older text, " in skeleton
    assert "# The old translation:\n#   CY 8\n" in skeleton
    assert "1 translation out of date" in skeleton


def test_validate_strict_fails_on_warnings_and_says_why(tmp_path):
    spec = write_spec(tmp_path)
    status, out, err = run("validate", str(spec))
    assert status == 0
    assert out.count(": warning: ") == 9
    status, out, err = run("validate", "--strict", str(spec))
    assert status == 1
    assert out.count(": warning: ") == 9
    assert "OK" not in out
    assert err == f"{spec}: 9 warnings, and --strict allows none\n"


def test_the_language_must_be_one_the_spec_offers(tmp_path):
    spec = write_spec(tmp_path)
    status, _, err = run("translate", str(spec), "--lang", "fr")
    assert status == 1
    assert (
        "the spec is not offered in 'fr'; add it to [consultation] languages (it now offers cy)"
        in err
    )
    status, _, err = run("translate", str(spec), "--lang", "en")
    assert status == 1
    assert "the spec is written in en, so it needs no translation" in err
    status, _, err = run("translate", str(ROOT / "specs" / "taking_stock.toml"))
    assert status == 2
    assert "offers no other language" in err


def test_the_skeleton_never_overwrites_a_file(tmp_path):
    spec = write_spec(tmp_path)
    (tmp_path / "work.toml").write_text("# a translator's work\n")
    status, _, err = run("translate", str(spec), "--out", str(tmp_path / "work.toml"))
    assert status == 1
    assert "exists; choose another name" in err
    assert (tmp_path / "work.toml").read_text() == "# a translator's work\n"


def test_the_example_needs_no_translation():
    status, out, err = run("translate", str(EXAMPLE), "--lang", "cy")
    assert (status, out) == (0, "")
    assert "every text has an up-to-date Welsh (cy) translation" in err
    status, out, err = run("validate", "--strict", str(EXAMPLE))
    assert (status, err) == (0, "")
    assert ": warning: " not in out
