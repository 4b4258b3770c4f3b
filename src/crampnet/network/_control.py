r"""Control characters in a network file's keys and strings: the fast check before the walk that names their place.

:meth:`crampnet.network._walker.Walker.plain_text` refuses a key or string
that holds a control character (and a key that holds a format character),
naming its place in the file. Naming places costs a walk that builds a path
for every value; :func:`holds_control` answers only whether there is one, in
one pass that clears printable strings in C (on the shipped network about 7
instead of 33 ms of CPU on a busy machine, of a cold start's 250 ms of
loading), so the naming walk runs only on a file that fails.

Examples
--------
>>> from crampnet.network._control import holds_control
>>> holds_control({"label": "Leg cramps", "notes": ["tab\tand\nnewline are text"]})
False
>>> holds_control({"label": "bell \x07"}), holds_control({"key\u200d": 1})
(True, True)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

__all__ = ["CONTROL", "holds_control"]

# Control characters (C0 but tab, newline and carriage return; DEL; C1): TOML
# takes them only as escapes ("\u001b"), and printed they drive the terminal.
# Also Unicode's line and paragraph separators (lines end there for
# str.splitlines) and bidirectional embeddings, overrides and isolates (they
# reorder what is shown: a "Trojan Source" label); the bidirectional marks
# (U+061C, U+200E, U+200F) and the invisible format characters (zero-width
# space, word joiner and invisible operators, U+FEFF, interlinear annotation,
# tags): they hide text or make two texts look alike. Free text keeps the
# joiners U+200C and U+200D (Persian, Indic scripts, emoji) and the soft
# hyphen; a key holds no format character (category Cf) at all.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]")


def holds_control(document: Mapping[str, Any]) -> bool:
    """Whether a key or string of ``document`` holds a character :meth:`~crampnet.network._walker.Walker.plain_text` refuses.

    Every character of :data:`CONTROL` is one ``str.isprintable`` refuses
    (categories Cc, Cf, Cn, Zl, Zp), so a printable string holds none: that
    test runs in C, and the pattern searches only the strings it does not
    clear (those with a tab or a line break, say). Format characters are
    looked for only in keys that are not ASCII.

    Parameters
    ----------
    document : mapping of str to Any
        The parsed file, walked whole (iteratively: it may be nested
        hundreds deep).

    Returns
    -------
    bool
        True if a key or string holds a control character
        (:data:`CONTROL`), or a key holds a format character (Unicode
        category ``Cf``).
    """
    search = CONTROL.search
    stack: list[object] = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key in value:
                if (not key.isprintable() and search(key)) or (not key.isascii() and any(unicodedata.category(c) == "Cf" for c in key)):
                    return True
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and not value.isprintable() and search(value):
            return True
    return False
