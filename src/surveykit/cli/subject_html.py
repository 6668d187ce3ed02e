"""A subject access document as one self-contained HTML page.

Written with :func:`html.escape` on every value rather than a Jinja2 template: the command is
part of the core, which must not need the reports extra, and the page is a fixed set of
headings and tables.  Everything a person or an officer typed (names, answers, email text, notes)
goes through :func:`_text`, so nothing in the document can become markup.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["render_html"]

_STYLE = (
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
    "table{border-collapse:collapse;margin-bottom:1em}"
    "th,td{border:1px solid #999;padding:.25em .5em;text-align:left;vertical-align:top}"
    "pre{white-space:pre-wrap;background:#f4f4f4;padding:.5em}"
)


def _text(value: Any) -> str:
    """A value as escaped text: strings as they are, anything else as JSON."""
    if value is None:
        return "—"
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False)
    return escape(value)


def _pairs(rows: Iterable[tuple[str, Any]]) -> str:
    body = "".join(f"<tr><th scope='row'>{escape(k)}</th><td>{_text(v)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _table(items: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    if not items:
        return "<p>None.</p>"
    head = "".join(f"<th scope='col'>{escape(c.replace('_', ' '))}</th>" for c in columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_text(item.get(c))}</td>" for c in columns) + "</tr>"
        for item in items
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _answers(answers: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    return _pairs((labels.get(q, q), value) for q, value in answers.items())


def render_html(document: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> str:
    """The document gathered by :func:`surveykit.subject.gather` as an HTML page;
    ``labels`` names questions by their wording instead of their ids."""
    labels = labels or {}
    title = document["consultation"]["title"] or document["consultation"]["id"]
    parts = [
        "<!DOCTYPE html>",
        "<html lang='en'><head><meta charset='utf-8'>",
        f"<title>Subject access: {escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>What we hold about you: {escape(title)}</h1>",
        f"<p>Gathered {_text(document['generated_at'])} (UTC).</p>",
        "<h2>Who you are</h2>",
    ]
    identity = document["identity"]
    parts.append(
        _pairs(identity.items())
        if identity
        else "<p>You are not a respondent; we hold only the emails below.</p>"
    )
    parts += ["<h2>Your links</h2>", _table(document["links"], ("issued_at", "revoked_at"))]
    parts.append("<h2>Your answers</h2>")
    if not document["answers"]:
        parts.append("<p>None.</p>")
    for version in document["answers"]:
        parts.append(
            f"<h3>Version {version['version']} ({_text(version['channel'])}), received "
            f"{_text(version['received_at'])}, entered {_text(version['submitted_at'])}</h3>"
        )
        parts.append(_answers(version["answers"], labels))
    parts.append("<h2>Your draft</h2>")
    draft = document["draft"]
    if draft is None:
        parts.append("<p>None.</p>")
    else:
        parts += [f"<p>Saved {_text(draft['saved_at'])}.</p>", _answers(draft["answers"], labels)]
    parts.append("<h2>Emails you sent</h2>")
    if not document["emails"]:
        parts.append("<p>None.</p>")
    for mail in document["emails"]:
        parts.append(
            f"<h3>Received {_text(mail['received_at'])}: {_text(mail['subject'])}</h3>"
            f"<p>From {_text(mail['from'])}; {_text(mail['status'])}.</p>"
            f"<pre>{_text(mail['text'])}</pre>"
        )
    parts += [
        "<h2>Reviews of your emails</h2>",
        _table(
            document["reviews"],
            ("created_at", "reason", "detail", "status", "resolved_at", "note", "version"),
        ),
        "<h2>Invitations and reminders sent to you</h2>",
        _table(document["sendings"], ("kind", "round", "sent_at")),
        "<h2>Reports that counted your response</h2>",
        _table(document["reports"], ("number", "published_at", "format")),
        "<h2>Officers' actions about you</h2>",
        _table(document["audit"], ("recorded_at", "officer", "action", "detail")),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
