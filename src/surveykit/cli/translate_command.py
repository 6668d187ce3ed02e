"""``surveykit translate``: the texts a translator still has to translate, as TOML to fill in.

Each entry carries the fingerprint of the text as it is now, with that text above it as a
comment, so the translator needs nothing but the file; once they write each ``text`` and the
entries join the spec's translations, ``validate`` is clean and ``translate`` lists nothing.
A stale translation is listed with an empty ``text`` (its old words in a comment), never
filled in with them: a fresh fingerprint beside old words would hide that no one checked them.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import translations
from ..model import Consultation
from ..spec import load_spec
from ..wording import counted

__all__ = ["COMMANDS", "skeleton", "translate_command"]


@click.command("translate")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--lang",
    "lang",
    metavar="TAG",
    help="The language to translate into, one of the spec's languages (default: the only one "
    "it is translated into).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the skeleton to this new file instead of printing it (never overwrites one).",
)
def translate_command(spec: Path, lang: str | None, out: Path | None) -> None:
    """Write the translations a language still needs, ready for a translator.

    Lists every text with no translation into the language, and every translation made from
    an older text, as a [translations.TAG] table: each entry has the text as a comment above
    it and its fingerprint in `source`; write the translation in `text`, then add the entries
    to the spec or to one of its translation_files (replacing a stale entry's old one).

    \b
    Examples:
      surveykit translate specs/examples/bilingual_example.toml --lang cy
      surveykit translate consultation.toml --lang cy --out consultation.cy.new.toml
    """
    consultation = load_spec(spec)
    lang = _language(consultation, lang)
    text = skeleton(consultation, lang, spec_name=str(spec))
    if text is None:
        name = translations.language_name(lang)
        click.echo(f"{spec}: every text has an up-to-date {name} translation", err=True)
        return
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        with out.open("x", encoding="utf-8") as stream:
            stream.write(text)
    except FileExistsError:
        message = f"{out} exists; choose another name for the skeleton, or remove it first"
        raise click.ClickException(message) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
    click.echo(f"{out}: written", err=True)


def _language(consultation: Consultation, lang: str | None) -> str:
    """The language asked for, or the only one the spec is translated into."""
    own, others = consultation.languages[0], consultation.languages[1:]
    if lang is None and len(others) == 1:
        return others[0]
    offered = ", ".join(others)
    if lang is None:
        if not others:
            message = (
                f"the spec is written in {own} and offers no other language; add one to "
                f'[consultation] languages first, e.g. languages = ["{own}", "cy"]'
            )
        else:
            message = f"which language? pass --lang, one of {offered}"
        raise click.UsageError(message)
    if lang == own:
        raise click.ClickException(f"the spec is written in {own}, so it needs no translation")
    if lang not in others:
        message = f"the spec is not offered in {lang!r}; add it to [consultation] languages"
        raise click.ClickException(message + (f" (it now offers {offered})" if others else ""))
    return lang


def skeleton(consultation: Consultation, lang: str, spec_name: str = "") -> str | None:
    """The TOML for a translator: each text missing or stale in ``lang``, or ``None``."""
    missing = translations.missing(consultation, lang)
    stale = translations.stale(consultation, lang)
    if not missing and not stale:
        return None
    name = translations.language_name(lang)
    about = f" ({spec_name})" if spec_name else ""
    lines = [
        f"# {name} translations for {consultation.metadata.title!r}{about}:",
        f"# {counted(len(missing), 'text')} to translate, "
        f"{counted(len(stale), 'translation')} out of date.",
        "#",
        "# Write each translation between the quotes of text = ...; leave source as it is: it",
        "# records which version of the text you translated.  Then add the entries to the spec's",
        f"# [translations.{lang}] table or to one of its translation_files, replacing any old",
        "# entry of the same name, and run surveykit validate.  An empty text is refused.  A",
        "# text of several paragraphs may be written as text = '''...''' over several lines.",
        "",
        f"[translations.{lang}]",
    ]
    order = {t.address: i for i, t in enumerate(translations.texts(consultation))}
    entries = [(t, None) for t in missing] + [(s.text, s.translation) for s in stale]
    for text, old in sorted(entries, key=lambda pair: order[pair[0].address]):
        lines.append("")
        lines.append(f"# {text.address}")
        lines.extend(_comment(text.text))
        if old is not None:
            lines.append(f"# Out of date: translated from an older text, {old.file}:{old.line}.")
            lines.append("# The old translation:")
            lines.extend(_comment(old.text))
        key = _toml_string(text.address)
        fingerprint = translations.fingerprint(text.text)
        lines.append(f'{key} = {{ text = "", source = "{fingerprint}" }}')
    return "\n".join(lines) + "\n"


def _comment(text: str) -> list[str]:
    """``text`` as TOML comment lines, each starting "#   "."""
    return [f"#   {line}".rstrip() for line in text.strip().splitlines()]


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, for the characters a spec may hold."""
    return json.dumps(text, ensure_ascii=False)


COMMANDS = (translate_command,)
