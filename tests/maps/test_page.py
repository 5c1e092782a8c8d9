"""A Page frames its maps and owns the shapes they draw; no map keeps any elsewhere."""

import importlib
import pkgutil

import pytest

import coordogeo.maps
from coordogeo._digest import Kept
from coordogeo.datasets import sample_territory
from coordogeo.errors import InputError
from coordogeo.maps import Page, _style, access_map, index_map


@pytest.fixture(scope="module")
def sample():
    return sample_territory()


def _counting(monkeypatch):
    calls = []
    real = _style._lonlat_shapes

    def counted(geoms, crs, simplify_m):
        calls.append(len(geoms))
        return real(geoms, crs, simplify_m)

    monkeypatch.setattr(_style, "_lonlat_shapes", counted)
    return calls


def test_pages_of_one_page_reproject_their_shapes_once(sample, monkeypatch):
    calls = _counting(monkeypatch)
    cells = sample.population.assign(travel_time_min=12.0)
    page = Page(communes=sample.communes)
    access_map(cells, sample.structures, page=page.titled("Un"))
    first = len(calls)
    access_map(cells, sample.structures, page=page.titled("Deux"))
    assert len(calls) == first  # the cells, structures and communes: all kept
    assert len(page.drawn.shapes._items) > 0


def test_a_new_page_starts_empty_and_keeps_nothing_elsewhere(sample, monkeypatch):
    calls = _counting(monkeypatch)
    cells = sample.population.assign(travel_time_min=12.0)
    access_map(cells, sample.structures, page=Page())
    first = len(calls)
    access_map(cells, sample.structures, page=Page())
    assert len(calls) == 2 * first  # another page: drawn again, not from a global


def test_no_map_module_keeps_drawn_shapes_at_module_level():
    for info in pkgutil.iter_modules(coordogeo.maps.__path__):
        module = importlib.import_module(f"coordogeo.maps.{info.name}")
        kept = [n for n, v in vars(module).items() if isinstance(v, Kept)]
        assert not kept, f"coordogeo.maps.{info.name} keeps {kept} for every page"


def test_the_page_gives_the_language_title_and_source(sample):
    scored = sample.communes.assign(apl_consultations_per_inhabitant=3.2)
    page = Page(lang="en", title="Lot <b>", source="INSEE 2021")
    html = index_map(scored, page=page).get_root().render()
    assert "Lot &lt;b&gt;" in html and "INSEE 2021" in html
    assert 'lang="en"' in html
    usual = index_map(scored, page=Page()).get_root().render()
    assert "Accessibilité potentielle localisée" in usual


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"lang": "de"}, "`lang` was 'de'"),
        ({"max_shapes": -1}, "`max_shapes` must be a whole number >= 0"),
        ({"max_shapes": 2.5}, "`max_shapes` must be a whole number >= 0"),
    ],
)
def test_a_page_refuses_what_no_map_can_draw(options, message):
    with pytest.raises(InputError, match=message):
        Page(**options)


def test_a_map_refuses_something_else_than_a_page(sample):
    cells = sample.population.assign(travel_time_min=12.0)
    with pytest.raises(InputError, match=r"`page` must be a coordogeo\.maps\.Page"):
        access_map(cells, sample.structures, page={"lang": "en"})
