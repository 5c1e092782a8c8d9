"""Every Python example of the user guide runs (a page's blocks in order)."""

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
PAGES = sorted(p for p in DOCS.rglob("*.md") if _BLOCK.search(p.read_text("utf-8")))


def test_the_guide_has_examples():
    names = {p.name for p in PAGES}
    assert {"getting-started.md", "coverage.md", "access.md", "underserved.md"} <= names
    assert "maps.md" in names


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_guide_examples_run(page, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # examples write their maps here
    namespace: dict[str, object] = {"__name__": "__guide__"}
    for number, code in enumerate(_BLOCK.findall(page.read_text("utf-8")), 1):
        exec(compile(code, f"{page.name} (example {number})", "exec"), namespace)
    capsys.readouterr()
