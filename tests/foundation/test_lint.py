"""The tree stays lint-clean: ruff, configured in pyproject.toml, reports nothing."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_reports_nothing_on_the_package_tests_and_benches():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "anihome", "tests", "bench"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
