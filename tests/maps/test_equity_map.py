import numpy as np
import pytest

from coordogeo.access import nearest
from coordogeo.equity import by_income, income_groups
from coordogeo.maps import Page, equity_chart, equity_map
from coordogeo.maps._style import NO_DATA_COLOUR
from coordogeo.maps.equity import BIVARIATE_COLOURS
from tests.colour import DEUTERANOPIA, PROTANOPIA, lab


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
    english = equity_map(cells, page=Page(lang="en"))._parent.render()
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


@pytest.mark.parametrize("matrix", [None, DEUTERANOPIA, PROTANOPIA],
                         ids=["normal", "deuteranopia", "protanopia"])  # fmt: skip
def test_neighbouring_bivariate_classes_stay_apart(matrix):
    grid = np.array(BIVARIATE_COLOURS)
    seen = lab(grid.ravel(), matrix).reshape(3, 3, 3)
    right = np.linalg.norm(seen[:, 1:] - seen[:, :-1], axis=-1)  # next time class
    down = np.linalg.norm(seen[1:, :] - seen[:-1, :], axis=-1)  # next income third
    # CIE76 ΔE >= 10: two swatches side by side are told apart at a glance
    # (the scheme reaches 18; Stevens' purple-blue one fell to 4.5 in protanopia)
    assert min(right.min(), down.min()) >= 10, (right.round(1), down.round(1))
