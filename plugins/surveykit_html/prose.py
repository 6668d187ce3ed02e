"""The spec's narrative text (foreword, introduction, section text) as safe HTML.

Spec authors write a small Markdown (paragraphs, lists, bold, links, headings).  Raw HTML in the
spec is shown as text, never passed through, and only ``http``, ``https`` and ``mailto`` links
survive, so a spec cannot inject script into the form.  The spec's top headings become
``h3``, so the page's own ``h1`` and ``h2`` stay the outline.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

__all__ = ["render_prose"]

_SAFE_SCHEMES = ("http:", "https:", "mailto:")
#: The level the spec's top headings become: below the page's ``h1`` and its ``h2`` sections.
TOP_LEVEL = 3


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = lambda url: url.strip().lower().startswith(_SAFE_SCHEMES)
    return md


_MD = _markdown()


@lru_cache(maxsize=256)
def render_prose(text: str) -> Markup:
    """Markdown from a spec as HTML that is safe to put in a page unescaped."""
    tokens = _MD.parse(text or "")
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = TOP_LEVEL - min(levels) if levels else 0
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
    return Markup(_MD.renderer.render(tokens, _MD.options, {}))
