"""A saved network reads back the same: arrays, report, and every search result."""

import json

import numpy as np
import pytest

from coordogeo.access import nearest, travel_time_matrix
from coordogeo.errors import InputError
from coordogeo.network import RoadNetwork
from tests.conftest import cached_network, cached_sample


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    return cached_network().save(tmp_path_factory.mktemp("net") / "reseau")


@pytest.mark.parametrize("mmap", [True, False])
def test_load_gives_the_same_network_and_the_same_times(saved, mmap):
    net, back = cached_network(), RoadNetwork.load(saved, mmap=mmap)
    assert isinstance(back.node_xy, np.memmap) == mmap
    np.testing.assert_array_equal(back.node_xy, net.node_xy)
    for a, b in ((back.graph, net.graph), (back.reverse_graph, net.reverse_graph)):
        assert (a != b).nnz == 0 and a.shape == b.shape
    assert back.report == net.report and back.crs == net.crs
    assert back.description == net.description
    sample = cached_sample()
    msp = sample.structures[sample.structures["kind"] == "MSP"]
    got = travel_time_matrix(back, sample.population, msp, max_time_min=20)
    want = travel_time_matrix(net, sample.population, msp, max_time_min=20)
    np.testing.assert_array_equal(got.time_min, want.time_min)  # to the bit
    np.testing.assert_array_equal(got.origin, want.origin)
    times = nearest(back, sample.population.head(300), msp)
    again = nearest(net, sample.population.head(300), msp)
    assert times.drop(columns="geometry").equals(again.drop(columns="geometry"))


def test_handing_back_the_mapped_pages_changes_no_time(saved):
    """A run gives back a network's pages and search arrays after each step."""
    from coordogeo import _memory  # noqa: PLC0415
    from coordogeo.network import _kernel  # noqa: PLC0415

    back = RoadNetwork.load(saved)
    mapped = [a._mmap for a in (back.node_xy, back.graph.data, back.graph.indptr)]
    assert all(m in _memory._MAPPED for m in mapped)  # noted by load
    sample = cached_sample()
    msp = sample.structures[sample.structures["kind"] == "MSP"]
    want = travel_time_matrix(back, sample.population, msp, max_time_min=20)
    assert _kernel._FREE  # the search arrays are kept between calls ...
    _memory.release_freed_memory()
    assert not _kernel._FREE  # ... and let go between a run's steps
    got = travel_time_matrix(back, sample.population, msp, max_time_min=20)
    np.testing.assert_array_equal(got.time_min, want.time_min)
    np.testing.assert_array_equal(got.origin, want.origin)
    closed = RoadNetwork.load(saved)
    closed.node_xy._mmap.close()  # a mapping closed meanwhile is skipped
    _memory.release_freed_memory()


def test_a_saved_network_is_refused_when_it_is_not_one(saved, tmp_path):
    with pytest.raises(InputError, match="not a saved road network"):
        RoadNetwork.load(tmp_path)
    other = tmp_path / "mes_donnees"
    other.mkdir()
    (other / "a_moi.txt").write_text("x")
    with pytest.raises(InputError, match="does not overwrite it"):
        cached_network().save(other)
    assert (other / "a_moi.txt").read_text() == "x"  # untouched
    copy = cached_network().save(tmp_path / "copie")
    meta = json.loads((copy / "network.json").read_text())
    (copy / "network.json").write_text(json.dumps({**meta, "format": 99}))
    with pytest.raises(InputError, match="format 99"):
        RoadNetwork.load(copy)
    (copy / "network.json").write_text(json.dumps({**meta, "n_edges": 5}))
    with pytest.raises(InputError, match="incomplete"):
        RoadNetwork.load(copy)
    (copy / "graph_data.npy").write_bytes(b"\x93NUMPY garbage")
    (copy / "network.json").write_text(json.dumps(meta))
    with pytest.raises(InputError, match="cannot be read"):
        RoadNetwork.load(copy)
    again = cached_network().save(copy)  # a saved network is replaced whole
    assert RoadNetwork.load(again).n_nodes == cached_network().n_nodes


def test_saving_again_replaces_only_the_networks_own_files(tmp_path):
    folder = cached_network().save(tmp_path / "reseau")
    (folder / "LISEZMOI.txt").write_text("notes")  # the user's, added since
    (folder / "photos").mkdir()
    again = cached_network().save(folder)
    assert (again / "LISEZMOI.txt").read_text() == "notes"
    assert (again / "photos").is_dir()
    assert RoadNetwork.load(again).n_nodes == cached_network().n_nodes
    # a folder of the user's holding a file named as the network's: refused, kept
    user = tmp_path / "mes_donnees"
    user.mkdir()
    (user / "network.json").write_text('{"type": "FeatureCollection"}')
    with pytest.raises(InputError, match=r"\['network.json'\]\) and is not a saved"):
        cached_network().save(user)
    assert (user / "network.json").read_text() == '{"type": "FeatureCollection"}'


def test_a_network_saved_before_manifests_is_replaced(tmp_path):
    folder = cached_network().save(tmp_path / "ancien")
    (folder / "coordogeo-manifest.json").unlink()  # the layout of format 1
    meta = json.loads((folder / "network.json").read_text())
    (folder / "network.json").write_text(json.dumps({**meta, "format": 1}))
    (folder / "source.json").write_text("{}")  # the run's cache note
    with pytest.raises(InputError, match=r"format 1; this coordogeo reads format 3"):
        RoadNetwork.load(folder)
    cached_network().save(folder)
    assert RoadNetwork.load(folder).n_edges == cached_network().n_edges


@pytest.mark.parametrize(
    ("name", "change", "match"),
    [
        ("graph_data", lambda a: a[::-1].copy(), r"\['graph_data'\] are not the ones"),
        ("node_xy", lambda a: a + 1.0, r"\['node_xy'\] are not the ones saved"),
        ("reverse_indices", lambda a: a[::-1].copy(), r"\['reverse_indices'\]"),
    ],
)
def test_an_edited_array_of_the_same_size_is_refused(tmp_path, name, change, match):
    folder = cached_network().save(tmp_path / "reseau")
    np.save(folder / f"{name}.npy", change(np.load(folder / f"{name}.npy")))
    with pytest.raises(InputError, match=match):
        RoadNetwork.load(folder)


def test_a_car_network_reads_back_with_its_turns(tmp_path, shared_data):
    path = shared_data / "roads" / "saint_barthelemy_2015.osm.pbf"
    net = RoadNetwork.from_osm(path)
    back = RoadNetwork.load(net.save(tmp_path / "car"))
    assert back.profile == "car" and back.turns is not None
    assert back.turns.report == net.turns.report
    np.testing.assert_array_equal(back.small, net.small)
    for a, b in ((back.turns.graph, net.turns.graph),
                 (back.turns.reverse, net.turns.reverse)):  # fmt: skip
        assert (a != b).nnz == 0
    # saved again as a network without turns: the turn files go, the rest stays
    free = RoadNetwork.from_osm(path, profile="free_flow")
    again = RoadNetwork.load(free.save(tmp_path / "car"))
    assert again.turns is None and again.profile == "free_flow"
    assert not (tmp_path / "car" / "turn_data.npy").exists()
