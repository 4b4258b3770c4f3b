"""The budget error of a junction tree names its network file with what is not printable escaped (session 48, h3)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import crampnet
from crampnet.exceptions import NetworkFileError
from crampnet.inference._pruning import within_budget

SHIPPED = Path(__file__).resolve().parents[1] / "networks" / "leg_cramps.toml"


def test_budget_error_escapes_a_hostile_file_name(tmp_path: Path) -> None:
    """Check that a network file named with a newline and a terminal escape reaches the message as escapes, not raw."""
    hostile = tmp_path / "net\x1b[2J\nforged line.toml"
    shutil.copyfile(SHIPPED, hostile)
    compiled = crampnet.load(str(hostile)).compiled
    with pytest.raises(NetworkFileError) as info:
        within_budget(compiled, compiled.tree, (1, 1))
    text = str(info.value)
    assert "\x1b" not in text and "\n" not in text
    assert "net\\x1b[2J\\nforged line.toml" in text
    assert "more than the limits (1 and 1)" in text
