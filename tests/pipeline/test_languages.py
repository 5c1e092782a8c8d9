"""One language per run: a French run shows no English word, an English run no French.

Every sentence coordogeo writes comes from its word tables (the run's, the report's,
the maps', the scenarios' rows, the zonage's reasons), in French and in English.
The words that only one language's tables hold are looked for in everything the
other language's run shows: the progress lines, the console summary, the report,
the text of every page (its tooltips and legends too) and the text cells of every
table. Identifiers are not words: column, layer and file names, config keys, and
the zonage's legal categories stay the same in both languages; the sample's names
(communes, structures, scenarios) are data and stay as given.
"""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from coordogeo._words.maps import LABELS
from coordogeo._words.report import INDEX_NAMES, REPORT_TEXT
from coordogeo._words.run import WORDS
from coordogeo._words.scenarios import ROW_LABELS
from coordogeo._words.underserved import ZONAGE_REASONS
from coordogeo.pipeline import load_config, run
from coordogeo.pipeline.report import console_summary
from tests.pipeline.conftest import edited

_WORD = re.compile(r"[^\W\d_][^\W\d_'’-]{5,}")


def _words(texts) -> set[str]:
    return {w.lower() for text in texts for w in _WORD.findall(str(text))}


def _table_words(lang: str) -> set[str]:
    tables = (WORDS, REPORT_TEXT, INDEX_NAMES, LABELS, ROW_LABELS, ZONAGE_REASONS)
    return _words(v for table in tables for v in table[lang].values())


def _only(lang: str, data: set[str]) -> set[str]:
    other = "en" if lang == "fr" else "fr"
    return _table_words(lang) - _table_words(other) - data


def _data_words(folder: Path) -> set[str]:
    """Every word of the sample's own files and config: names, not sentences."""
    texts = [p.read_text(encoding="utf-8", errors="ignore")
             for p in (folder / "donnees").glob("*.csv")]  # fmt: skip
    texts.append((folder / "config.toml").read_text(encoding="utf-8"))
    return _words(texts)


_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _page_text(page: str) -> str:
    """Return what a reader of the page sees: its text, its map's tooltips."""
    generated = [
        s
        for s in re.findall(r"<script[^>]*>(.*?)</script>", page, re.S)
        if re.search(r"map_[0-9a-f]{32}", s)
    ]  # not the inlined libraries
    strings = []
    for script in generated:
        for raw in _STRING.findall(script):
            try:
                text = json.loads(f'"{raw}"')
            except ValueError:
                text = raw
            code = text.lstrip().startswith((".", "#"))
            code = code or any(c in text for c in "{};=")
            if " " in text.strip() and not code:  # words, not code ("change", CSS)
                strings.append(text)
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    text = " ".join([body, *strings])
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _shown(folder: Path, said: str) -> dict[str, str]:
    """Every text a run shows, by where it is."""
    shown = {"console": said, "rapport.md": (folder / "rapport.md").read_text("utf-8")}
    for page in sorted(folder.glob("*.html")):
        shown[page.name] = _page_text(page.read_text(encoding="utf-8"))
    for table in sorted(folder.glob("*.csv")):
        frame = pd.read_csv(table, sep=";", dtype=str)
        texts = frame.stack().dropna().astype(str)  # every cell, as text
        shown[table.name] = " ".join(map(str, texts))
    return shown


def _identifiers(folder: Path) -> set[str]:
    """Names, not prose: the files' (rapport.md, carte_zones.html), the ids' prefixes.

    A candidate site's id is ``candidat-<n>`` in both languages, as a structure's
    is its FINESS number.
    """
    names = [p.stem.replace("_", " ") for p in folder.iterdir() if p.stem != "rapport"]
    return _words(names) | {"candidat"}  # "rapport" is a word: a link says it


_FILE = re.compile(r"[\w./-]+\.(?:md|json|html|gpkg|csv|xlsx|svg|toml)\b")


def _found(shown: dict[str, str], words: set[str]) -> dict[str, list[str]]:
    out = {}
    for where, text in shown.items():
        hits = sorted(_words([_FILE.sub(" ", text)]) & words)  # file names aside
        if hits:
            out[where] = hits[:8]
    return out


@pytest.fixture(scope="module")
def both_runs(sample_folder, tmp_path_factory):
    runs = {}
    for lang in ("fr", "en"):
        path = edited(sample_folder, "[outputs]\n", f'[outputs]\nlang = "{lang}"\n',
                      name=f"lang_{lang}.toml")  # fmt: skip
        folder = tmp_path_factory.mktemp(f"run_{lang}")
        progress = io.StringIO()
        result = run(load_config(path).with_folder(folder), progress=progress)
        runs[lang] = (folder, progress.getvalue() + console_summary(result))
    return runs


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_run_shows_no_word_of_the_other_language(both_runs, sample_folder, lang):
    folder, said = both_runs[lang]
    other = "en" if lang == "fr" else "fr"
    words = _only(other, _data_words(sample_folder) | _identifiers(folder))
    assert len(words) > 100  # the check has words to look for
    assert _found(_shown(folder, said), words) == {}


def test_an_english_run_writes_english_numbers_and_colons(both_runs):
    """No French punctuation nor French number layout in an English run's texts."""
    folder, said = both_runs["en"]
    for where, text in _shown(folder, said).items():
        assert not re.search(r"\S : ", text), where  # "Population : 12"
        assert not re.search(r"\d\u202f\d", text), where  # "5 209"
        assert not re.search(r"\d\u202f%", text), where  # "87,5 %"


def test_the_check_finds_a_word_of_the_other_language(both_runs, sample_folder):
    folder, said = both_runs["en"]
    words = _only("fr", _data_words(sample_folder))
    shown = _shown(folder, said)
    shown["rapport.md"] += " Habitants à 20 min ou moins"  # a French row left in
    assert "habitants" in _found(shown, words)["rapport.md"]
