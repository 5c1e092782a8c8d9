"""The map palettes stay readable under simulated colour-vision deficiencies."""

import numpy as np
import pytest

from coordogeo.maps._style import TIME_COLOURS, anchored_classes
from coordogeo.maps.index import APL_BREAKS, INDEX_COLOURS, ZONAGE_COLOURS
from tests.colour import DEUTERANOPIA, PROTANOPIA, lab

VISIONS = {"normal": None, "deuteranopia": DEUTERANOPIA, "protanopia": PROTANOPIA}


@pytest.mark.parametrize("vision", sorted(VISIONS))
@pytest.mark.parametrize(
    "palette",
    [TIME_COLOURS, INDEX_COLOURS, tuple(ZONAGE_COLOURS.values())],
    ids=["time", "apl", "zonage"],
)
def test_adjacent_classes_stay_apart(palette, vision):
    colours = lab(list(palette), VISIONS[vision])
    steps = np.linalg.norm(np.diff(colours, axis=0), axis=1)
    # CIE76 ΔE >= 10: two neighbouring swatches are told apart at a glance
    assert steps.min() >= 10, steps.round(1)


def test_apl_classes_are_anchored_at_the_regulatory_thresholds():
    values = np.array([1.0, 1.5, 2.49, 2.5, 3.99, 4.0, 5.0, 13.0, np.nan])
    colour, items = anchored_classes(
        values, APL_BREAKS, INDEX_COLOURS, unit="", lang="fr", upper_included=False
    )
    # 2.5 is "not sous-dense" (APL < 2.5 is), 4 starts "hors vivier"
    expected = [0, 1, 1, 2, 2, 3, 4, 4]
    assert colour[:-1].tolist() == [INDEX_COLOURS[i] for i in expected]
    assert [label for _, label in items] == [
        "< 1,5",
        "1,5 – 2,5",
        "2,5 – 4",
        "4 – 5",
        "≥ 5",
    ]


def test_time_classes_close_at_ten_twenty_thirty_and_open_beyond():
    _, items = anchored_classes(
        np.array([5.0]), (10.0, 20.0, 30.0), TIME_COLOURS, unit="min", lang="fr",
        upper_included=True,
    )  # fmt: skip
    assert [label for _, label in items] == [
        "≤ 10 min", "10 – 20 min", "20 – 30 min", "> 30 min",
    ]  # fmt: skip
