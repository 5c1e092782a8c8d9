"""Every word coordogeo writes for people, in French and English, in one place.

A run speaks one language (``outputs.lang``). Its words come from these tables,
by key: the run's (:mod:`~coordogeo._words.run`: progress lines, ledger, rule
names, scenario notes, read through :func:`say`), the report's
(:mod:`~coordogeo._words.report`), the maps' (:mod:`~coordogeo._words.maps`), the
scenarios' rows (:mod:`~coordogeo._words.scenarios`) and the under-served zones'
reasons (:mod:`~coordogeo._words.underserved`). Numbers are written by
:mod:`coordogeo._numbers`. ``tests/pipeline/test_languages.py`` checks that a run
in one language shows no word only the other language's tables hold.
"""

from __future__ import annotations

from typing import Any

from coordogeo._words.run import WORDS

__all__ = ["WORDS", "say"]


def say(key: str, lang: str, **values: Any) -> str:
    """Return the words of ``key`` in ``lang`` (French unless ``"en"``), filled.

    Examples
    --------
    >>> say("rule_time", "en", kind="MSP", minutes="20")
    'MSP beyond 20 min'
    >>> say("rule_time", "fr", kind="MSP", minutes="20")
    'MSP à plus de 20 min'
    """
    return WORDS["en" if lang == "en" else "fr"][key].format(**values)
