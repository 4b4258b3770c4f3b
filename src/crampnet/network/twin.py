"""The shipped network's pre-parsed twin: the same data as JSON, so that loading skips the TOML parse.

:mod:`tomllib` spends about 40 ms on the shipped network file (a tenth of a
fresh ``crampnet diagnose --example``, issue 14's cold start); :mod:`json`
reads the same data in about 1 ms. The twin, ``networks/leg_cramps.json``
beside the TOML file (in the wheel: ``crampnet/networks/``), holds the data
:func:`tomllib.loads` returns and the SHA-256 of the TOML text it came from.
:func:`read_twin` returns that data only for text with exactly that digest,
so a stale or missing twin is ignored, never trusted: loading then parses the
TOML as before. Either way the data goes through the same validation
(:func:`crampnet.network.spec.parse_network`). The twin is JSON, read with
:func:`json.loads`: like the TOML file, it runs no code.

The TOML file stays the source of truth. After changing it, regenerate the
twin from the repository root (``tests/test_twin.py`` fails on a stale one)::

    python -m crampnet.network.twin

Examples
--------
>>> import hashlib
>>> from crampnet.network.twin import make_twin, read_twin
>>> text = chr(10).join(['schema = "x"', "value = 0.25"])
>>> twin = make_twin(text)
>>> read_twin(hashlib.sha256(text.encode("utf-8")).hexdigest(), twin)
{'schema': 'x', 'value': 0.25}
>>> read_twin("0" * 64, twin) is None  # another text: the twin is not used
True
"""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

__all__ = ["FORMAT", "TWIN", "make_twin", "read_twin", "shipped_twin_text"]

#: The twin's format tag; a twin of another format is ignored.
FORMAT = "crampnet-network-twin/1"

#: File name of the shipped network's twin.
TWIN = "leg_cramps.json"

_CHECKOUT = Path(__file__).resolve().parents[3] / "networks"  # src/crampnet/network/ -> root


def make_twin(text: str) -> str:
    """The JSON twin of the TOML ``text``: its parsed data and the SHA-256 of the text.

    Parameters
    ----------
    text : str
        A network file's TOML text.

    Returns
    -------
    str
        One line of JSON ending in a newline: an object with ``format``
        (:data:`FORMAT`), ``sha256`` (the hex digest of ``text`` as UTF-8,
        as loading hashes it) and ``data`` (what :func:`tomllib.loads`
        returns for ``text`` without a leading byte-order mark, which the
        loader skips too: :func:`~crampnet.network._budget.read_toml`).

    Raises
    ------
    ValueError
        If ``text`` is not valid TOML, or holds values JSON cannot carry
        exactly (dates and times, NaN, infinities).
    """
    data = tomllib.loads(text.removeprefix("\ufeff"))  # tomllib takes a byte-order mark for a statement
    try:
        body = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as err:
        msg = f"The network text holds a value JSON cannot carry exactly ({err}); it has no twin."
        raise ValueError(msg) from err
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return f'{{"format":"{FORMAT}","sha256":"{digest}","data":{body}}}\n'


def shipped_twin_text(name: str = TWIN) -> str | None:
    """The text of the shipped twin, from the installed package or the source checkout; ``None`` if there is none.

    Parameters
    ----------
    name : str, default=TWIN
        The twin's file name in ``crampnet/networks/`` (in a source checkout,
        the repository's ``networks/``).

    Returns
    -------
    str or None
        The twin's text, or ``None`` when there is no such file or it cannot
        be read or decoded as UTF-8.
    """
    # Imported here: this module also runs as a script (python -m crampnet.network.twin).
    from crampnet.network.loading import shipped_file_text

    try:
        return shipped_file_text(name)
    except (OSError, UnicodeDecodeError):
        return None


def read_twin(digest: str, twin: str | None = None) -> dict[str, Any] | None:
    """The parsed data of the TOML text whose SHA-256 is ``digest``, if the twin was made from that text.

    Parameters
    ----------
    digest : str
        The hex SHA-256 of the TOML text about to be parsed (UTF-8).
    twin : str, optional
        The twin's text; by default the shipped one (:func:`shipped_twin_text`).

    Returns
    -------
    dict or None
        A fresh copy of the data (the caller may consume it), or ``None``
        when there is no twin, it is malformed (nested deeper than
        :mod:`json` follows included), or it was made from other text: then
        parse the TOML.
    """
    text = shipped_twin_text() if twin is None else twin
    if text is None:
        return None
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than json follows (about 1,000 levels)
        return None
    if not isinstance(parsed, dict) or parsed.get("format") != FORMAT or parsed.get("sha256") != digest:
        return None
    data = parsed.get("data")
    return data if isinstance(data, dict) else None


def _main(argv: list[str]) -> int:
    """Write the twin of each TOML file named (default: the checkout's shipped network) beside it."""
    paths = [Path(a) for a in argv] or [_CHECKOUT / "leg_cramps.toml"]
    for path in paths:
        target = path.with_suffix(".json")
        target.write_text(make_twin(path.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":  # pragma: no cover - the command line
    sys.exit(_main(sys.argv[1:]))
