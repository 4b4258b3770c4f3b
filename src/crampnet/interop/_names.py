r"""Free text of a network file made safe for the formats it is exported to.

Node ids and states are lower snake case (the loader checks them), but a
network's ``name``, ``version``, ``title`` and node labels are free text:
they may hold spaces, braces, ``--``, quotes or control characters. An
export puts the name where BIF and SMILE expect an identifier
(:func:`identifier`), and the rest into XML, which cannot hold most
control characters at all, escaped or not (:func:`xml_text`,
:func:`xml_comment`).

Examples
--------
>>> from crampnet.interop._names import identifier, xml_comment, xml_text
>>> identifier("leg_cramps"), identifier("x {\n} variable evil")
('leg_cramps', 'x_____variable_evil')
>>> xml_text("a\x01b") == "a\ufffdb"
True
>>> xml_comment("0.2 -- draft")
'0.2 - - draft'
"""

from __future__ import annotations

import re

__all__ = ["identifier", "xml_comment", "xml_text"]

# What XML 1.0 cannot hold: C0 controls but tab, newline and carriage return,
# lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def identifier(text: str, fallback: str = "network") -> str:
    """``text`` as an identifier that BIF and SMILE read back: letters, digits and ``_``, a letter first.

    Parameters
    ----------
    text : str
        Any text (a network's name).
    fallback : str, default="network"
        The identifier of an empty ``text``.

    Returns
    -------
    str
        ``text`` itself where it is already such an identifier; otherwise
        every other character replaced by ``_``, and an ``n`` put in front
        of one that does not start with a letter.
    """
    name = re.sub(r"[^A-Za-z0-9_]", "_", text)
    if not name:
        return fallback
    return name if name[0].isascii() and name[0].isalpha() else "n" + name


def xml_text(text: str) -> str:
    """``text`` with each character XML 1.0 cannot hold (control characters and the like) replaced by U+FFFD.

    Parameters
    ----------
    text : str
        Any text (a label, a title).

    Returns
    -------
    str
        The text, every other character kept (the XML writer escapes ``<``,
        ``&`` and quotes).
    """
    return _NOT_XML.sub("\ufffd", text)


def xml_comment(text: str) -> str:
    """``text`` safe inside an XML comment: as :func:`xml_text`, with no ``--`` and no final ``-``.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The text, each ``-`` followed by another separated from it by a
        space, and a space after a final ``-``, so that it neither ends the
        comment nor makes the document ill-formed.
    """
    safe = re.sub(r"-(?=-)", "- ", xml_text(text))
    return safe + " " if safe.endswith("-") else safe
