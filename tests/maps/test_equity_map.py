import numpy as np
import pytest

from coordogeo.access import nearest
from coordogeo.equity import by_income, income_groups
from coordogeo.maps import equity_chart, equity_map
from coordogeo.maps._style import NO_DATA_COLOUR
from coordogeo.maps.equity import BIVARIATE_COLOURS


@pytest.fixture
def cells(sample, network):
    msp = sample.structures[sample.structures["kind"] == "MSP"]
    out = nearest(network, sample.population, msp)
    out["income_third"] = income_groups(out["niveau_vie_moyen"], out["population"], 3)
    return out


def test_the_bivariate_map_draws_every_cell_and_its_legend(cells):
    html = equity_map(cells)._parent.render()
    for colour in np.ravel(BIVARIATE_COLOURS):
        assert colour in html
    assert "tiers le plus modeste" in html and "≤ 10 min" in html
    english = equity_map(cells, lang="en")._parent.render()
    assert "poorest third" in english and "tiers le plus" not in english


def test_a_place_without_income_is_grey_and_says_so(cells):
    some = cells.head(30).copy()
    some.loc[some.index[:3], ["niveau_vie_moyen", "income_third"]] = np.nan
    html = equity_map(some)._parent.render()
    assert NO_DATA_COLOUR in html  # grey, not a class colour
    assert "Niveau de vie moyen (\\u20ac/an) : \\u2014" in html  # JSON-escaped


def test_the_chart_is_deterministic_svg(cells):
    found = by_income(cells, "travel_time_min", income="niveau_vie_moyen")
    one = equity_chart(found.table, found.curve, column="travel_time_min")
    two = equity_chart(found.table, found.curve, column="travel_time_min")
    assert one == two and one.startswith("<?xml") and "<svg" in one
    assert "Temps moyen par groupe" in one
    english = equity_chart(found.table, found.curve, column="travel_time_min",
                           lang="en")  # fmt: skip
    assert "Concentration curve" in english
    with pytest.raises(ValueError, match="mean_nothing"):
        equity_chart(found.table, found.curve, column="nothing")


# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB
_DEUTERANOPIA = np.array(
    [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
     [-0.011820, 0.042940, 0.968881]]
)  # fmt: skip
_PROTANOPIA = np.array(
    [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
     [-0.003882, -0.048116, 1.051998]]
)  # fmt: skip


def _lab(hex_colours, matrix=None):
    """CIE L*a*b* (D65) of sRGB colours, after a colour-vision simulation."""
    rgb = np.array(
        [[int(h[i : i + 2], 16) / 255 for i in (1, 3, 5)] for h in hex_colours]
    )
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    if matrix is not None:
        lin = np.clip(lin @ matrix.T, 0, 1)
    xyz = (
        lin
        @ np.array(
            [
                [0.4124, 0.3576, 0.1805],
                [0.2126, 0.7152, 0.0722],
                [0.0193, 0.1192, 0.9505],
            ]
        ).T
        / np.array([0.95047, 1.0, 1.08883])
    )
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.column_stack(
        [116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])]
    )


@pytest.mark.parametrize("matrix", [None, _DEUTERANOPIA, _PROTANOPIA],
                         ids=["normal", "deuteranopia", "protanopia"])  # fmt: skip
def test_neighbouring_bivariate_classes_stay_apart(matrix):
    grid = np.array(BIVARIATE_COLOURS)
    lab = _lab(grid.ravel(), matrix).reshape(3, 3, 3)
    right = np.linalg.norm(lab[:, 1:] - lab[:, :-1], axis=-1)  # next time class
    down = np.linalg.norm(lab[1:, :] - lab[:-1, :], axis=-1)  # next income third
    # CIE76 ΔE >= 10: two swatches side by side are told apart at a glance
    # (the scheme reaches 18; Stevens' purple-blue one fell to 4.5 in protanopia)
    assert min(right.min(), down.min()) >= 10, (right.round(1), down.round(1))
