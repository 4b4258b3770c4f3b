r"""The report's blocks written out as markdown or as HTML, every text escaped for its format.

A block is ``(kind, content)``:

- ``h1``, ``h2``, ``h3``, ``p``: a text;
- ``ul``: a list of texts;
- ``table``: ``(headers, rows)``, each row a list of texts;
- ``stamp``: ``(name, value)`` pairs (the document's date, versions, population, evidence);
- ``flags``: ``(urgency, condition, message, source)`` per red flag.

Markdown escapes what could start markup (backslash, backtick, ``*``,
``~``, ``$`` (math where dollars delimit TeX), ``_`` but between letters or digits, ``<``, brackets, an entity's
``&``, a block marker at the start, and ``|`` in table cells) and joins lines; HTML escapes everything and shares
:data:`crampnet.reasoning.html.STYLESHEET` with the notebook display.

Examples
--------
>>> from crampnet.reasoning._render import html_fragment, markdown, md
>>> md("<b>x</b> [link](u) *y* &amp; z")
'\\<b\\>x\\</b\\> \\[link\\](u) \\*y\\* \\&amp; z'
>>> markdown([("h2", "Red flags"), ("flags", [("urgent", "DVT", "Wells 2.", "Wells 2003")])])
'## Red flags\n\n- **URGENT: DVT.** Wells 2. Source: Wells 2003.\n'
>>> html_fragment([("p", "a < b")]).endswith("<p>a &lt; b</p></div>")
True
"""

from __future__ import annotations

import html
import re
from typing import Any, cast

from crampnet.reasoning.html import NO_MATH, STYLESHEET, flag_html

__all__ = ["Block", "html_fragment", "markdown", "md"]

Block = tuple[str, Any]
_Table = tuple[list[str], list[list[str]]]
_BREAK = re.compile(r"\s*[\r\n]+\s*")  # a line break and the blanks around it: one space
_SPECIAL = re.compile(r"([\\`*<>\[\]~$])")  # $: Jupyter, GitHub and MyST read $...$ as TeX
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# An underscore not between two letters or digits can open or close emphasis (snake_case ids cannot, and stay as they are).
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
_LEADING = re.compile(r"[#+=-]")
# A number and '.' or ')' at the start is a list marker: its punctuation is escaped ("\1" would show the backslash).
_ORDERED = re.compile(r"(\d+)([.)](?:\s|$))")


def _inline(text: object) -> str:
    # Each pattern needs its character: a text without it is passed by (most texts have no line break, '_' or '&').
    out = str(text)
    if "\n" in out or "\r" in out:
        out = _BREAK.sub(" ", out)
    out = _SPECIAL.sub(r"\\\1", out)
    if "_" in out:
        out = _UNDERSCORE.sub(r"\\_", out)
    return _ENTITY.sub(r"\\&", out) if "&" in out else out


def md(text: object) -> str:
    """``text`` as one line of markdown that shows as written (no markup, no HTML).

    Parameters
    ----------
    text : object
        The text (``str()`` of anything else).

    Returns
    -------
    str
        The text on one line (line breaks and the spaces around them made
        one space), with what could start markup escaped by a backslash.
    """
    out = _inline(text)
    if _ORDERED.match(out):
        return _ORDERED.sub(r"\1\\\2", out, count=1)
    return "\\" + out if _LEADING.match(out) else out


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")


def markdown(parts: list[Block]) -> str:
    """The blocks as markdown.

    Parameters
    ----------
    parts : list of Block
        The blocks, ``(kind, content)`` as the module docstring lists them
        (a kind not listed is read as a table).

    Returns
    -------
    str
        The blocks separated by a blank line, ending with a newline; the
        texts escaped by :func:`md` (table cells also escape ``|``).
    """
    out: list[str] = []
    for kind, content in parts:
        if kind in ("h1", "h2", "h3"):
            out.append(f"{'#' * int(kind[1])} {md(content)}")
        elif kind == "p":
            out.append(md(content))
        elif kind == "ul":
            out.append("\n".join(f"- {md(item)}" for item in content))
        elif kind == "stamp":
            out.append("\n".join(f"- **{md(name)}:** {md(value)}" for name, value in content))
        elif kind == "flags":
            out.append(
                "\n".join(
                    f"- **{md(str(urgency).upper())}: {md(cond)}.** {md(message)} Source: {md(source)}."
                    for urgency, cond, message, source in content
                )
                or "None raised by this evidence."
            )
        else:
            headers, rows = cast(_Table, content)
            lines = ["| " + " | ".join(_cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def html_fragment(parts: list[Block]) -> str:
    """The blocks as a ``<div class="crampnet crampnet-report ...">`` (with ``NO_MATH``) that starts with the shared stylesheet.

    Parameters
    ----------
    parts : list of Block
        The blocks, ``(kind, content)`` as the module docstring lists them
        (a kind not listed is read as a table).

    Returns
    -------
    str
        The ``<div>``: a ``<style>`` element, then one element per block
        (one per red flag), a newline between each, every text HTML-escaped.
    """
    esc = html.escape
    out: list[str] = []
    for kind, content in parts:
        if kind in ("h1", "h2", "h3", "p"):
            out.append(f"<{kind}>{esc(str(content))}</{kind}>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{esc(str(item))}</li>" for item in content) + "</ul>")
        elif kind == "stamp":
            rows = "".join(f"<dt>{esc(str(n))}</dt><dd>{esc(str(v))}</dd>" for n, v in content)
            out.append(f'<dl class="crampnet-stamp">{rows}</dl>')
        elif kind == "flags":
            out += [flag_html(*(str(x) for x in flag)) for flag in content] or [
                '<p class="crampnet-no-flags">None raised by this evidence.</p>'
            ]
        else:
            headers, rows_ = cast(_Table, content)
            head = "".join(f"<th>{esc(h)}</th>" for h in headers)
            body = "".join(
                "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows_
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return f'<div class="crampnet crampnet-report {NO_MATH}"><style>{STYLESHEET}</style>\n' + "\n".join(out) + "</div>"
