"""README's commands are the ones CI runs, and they work on Debian's own Python (PEP 668)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _shell_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S)]


def test_readme_installs_into_a_virtual_environment_and_names_python3_venv():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = _shell_blocks(readme)[0]
    assert quick_start == "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/python run.py"
    assert "python3-venv" in readme
    assert "pip install -e ." not in readme.replace(".venv/bin/pip install -e .", "").replace(
        "`pip install -e .` also", "")


def test_ci_runs_readmes_test_command_verbatim_on_debians_python():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = next(block for block in _shell_blocks(readme) if "pytest" in block)
    assert test_command.startswith("python3 -m venv .venv && ")
    assert test_command in ci.splitlines()
    assert 'export PATH="/usr/bin:$PATH"' in ci and "python3-venv" in ci
