"""Every Python example of the user guide runs, and prints what the page shows.

A page's ```python blocks run in order in one namespace. When a block is followed by
a ```text block, what the block printed must match it (doctest's checker: runs of
white space are equal and ``...`` stands for any text, so a page may elide the part
of a figure that is not the point).
"""

import contextlib
import doctest
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
#: A python block, and the text block that may follow it (prose in between).
_BLOCK = re.compile(
    r"^```python\n(.*?)^```\n(?:(?:(?!^```).)*?^```text\n(.*?)^```)?", re.S | re.M
)
PAGES = sorted(
    p
    for p in [ROOT / "README.md", *DOCS.rglob("*.md")]
    if _BLOCK.search(p.read_text("utf-8"))
)
_CHECK = doctest.OutputChecker()
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def test_the_guide_has_examples():
    names = {p.name for p in PAGES}
    assert {"getting-started.md", "coverage.md", "access.md", "underserved.md"} <= names
    assert "maps.md" in names and "README.md" in names


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_example_that_prints_shows_what_it_prints(page):
    for code, shown in _BLOCK.findall(page.read_text("utf-8")):
        assert "print(" not in code or shown, (
            f"{page.name}: a printing example shows no output"
        )


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_guide_examples_run_and_print_what_the_page_shows(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples write their maps here
    namespace: dict[str, object] = {"__name__": "__guide__"}
    for number, (code, shown) in enumerate(_BLOCK.findall(page.read_text("utf-8")), 1):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, f"{page.name} (example {number})", "exec"), namespace)
        if shown:
            assert _CHECK.check_output(shown, printed.getvalue(), _FLAGS), (
                f"{page.name} example {number} prints:\n{printed.getvalue()}"
                f"but the page shows:\n{shown}"
            )
