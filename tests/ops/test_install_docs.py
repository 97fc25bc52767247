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


def test_the_checkout_ships_no_data_folder_so_the_first_start_makes_it_private():
    """git would create ./data with 0755 and every fresh install would start with a warning;
    AniHome makes the folder itself, 0700 (security/file_modes.private_dir)."""
    import subprocess

    tracked = subprocess.run(["git", "ls-files", "data"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode == 0:  # a git checkout (an sdist has no git)
        assert tracked.stdout.strip() == ""
    assert "data/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
