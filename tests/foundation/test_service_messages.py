"""Messages that services raise reach HTML error pages: each literal one has a Russian
translation (the error page falls back to the status's explanation for any that has not)."""
import re
from pathlib import Path

from anihome.i18n import catalog

ROOT = Path(__file__).resolve().parents[2]
RAISED = re.compile(r'(?:AppError|NotFound|Conflict|Forbidden)\(\s*"((?:[^"\\]|\\.)*)"')


def test_every_literal_service_message_has_a_russian_translation():
    russian = catalog("ru")
    found, missing = 0, []
    for path in sorted((ROOT / "anihome").rglob("*.py")):
        if "api" in path.relative_to(ROOT / "anihome").parts:  # JSON answers stay English
            continue
        for raw in RAISED.findall(path.read_text(encoding="utf-8")):
            message = raw.encode().decode("unicode_escape") if "\\" in raw else raw
            found += 1
            if message not in russian:
                missing.append(f"{path.relative_to(ROOT)}: {message}")
    assert found > 100
    assert missing == []
