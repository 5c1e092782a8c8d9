"""[compute]: the road network built once and cached; searches on a dask cluster."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pandas as pd
import pytest

from coordogeo.network import RoadNetwork
from coordogeo.pipeline import load_config, run
from coordogeo.pipeline.config import ConfigError
from coordogeo.pipeline.inputs import _cache_path, read_inputs
from coordogeo.pipeline.ledger import Ledger
from coordogeo.pipeline.times import TimeSource
from tests.pipeline.conftest import edited


def _roads_entry(result):
    return next(r for r in result.ledger.inputs if r["key"] == "inputs.roads")


def _times(result):
    columns = [c for c in result.places.columns if c.startswith("travel_time_min")]
    return pd.DataFrame(result.places[columns])


def test_the_network_is_built_once_then_read_from_the_cache(sample_folder, tmp_path):
    cache = tmp_path / "cache"
    roads = tmp_path / "routes.gpkg"  # a copy of the sample's, to edit
    shutil.copy(sample_folder / "donnees" / "routes.gpkg", roads)
    entry = f'\n[compute]\ncache_folder = "{cache.as_posix()}"\n'
    text = (sample_folder / "config.toml").read_text(encoding="utf-8")
    text = text.replace('"donnees/routes.gpkg"', f'"{roads.as_posix()}"')
    path = sample_folder / "cached.toml"
    path.write_text(text.replace("\n[compute]\n", entry), encoding="utf-8")
    config = load_config(path)
    first = run(config.with_folder(tmp_path / "a"))
    assert "cache" not in _roads_entry(first)["detail"]
    # built, saved, then read back mapped: the built arrays are not kept
    assert isinstance(first.inputs.network.node_xy, np.memmap)
    (saved,) = (cache / "reseaux").iterdir()
    assert (saved / "network.json").is_file()
    second = run(config.with_folder(tmp_path / "b"))
    assert f"lu depuis le cache {saved}" in _roads_entry(second)["detail"]
    pd.testing.assert_frame_equal(_times(first), _times(second))  # the same times
    (saved / "graph_data.npy").write_bytes(b"not an array")  # a broken cache
    third = run(config.with_folder(tmp_path / "c"))
    assert any("cache du réseau illisible" in w for w in third.ledger.warnings)
    pd.testing.assert_frame_equal(_times(first), _times(third))
    assert "lu depuis le cache" not in _roads_entry(third)["detail"]  # rebuilt
    assert RoadNetwork.load(saved).n_nodes == third.inputs.network.n_nodes  # resaved
    data = np.load(saved / "graph_data.npy")  # the same size, other times: refused
    np.save(saved / "graph_data.npy", np.random.default_rng(0).permutation(data))
    (saved / "LISEZMOI.txt").write_text("mes notes")  # a file of the user's
    shuffled = run(config.with_folder(tmp_path / "s"))
    assert any("SHA-256" in w for w in shuffled.ledger.warnings)
    pd.testing.assert_frame_equal(_times(first), _times(shuffled))  # rebuilt
    assert (saved / "LISEZMOI.txt").read_text() == "mes notes"  # kept
    assert RoadNetwork.load(saved).n_edges == third.inputs.network.n_edges
    stat = roads.stat()  # a new version of the roads file: built anew, in its place
    os.utime(roads, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    fourth = run(config.with_folder(tmp_path / "d"))
    assert "lu depuis le cache" not in _roads_entry(fourth)["detail"]
    assert list((cache / "reseaux").iterdir()) == [saved]  # one entry per file


def test_no_cache_when_asked_and_never_inside_the_outputs(sample_folder, tmp_path):
    cache = tmp_path / "cache"
    path = edited(
        sample_folder, "\n[compute]\n",
        f'\n[compute]\ncache = false\ncache_folder = "{cache.as_posix()}"\n',
        name="nocache.toml",
    )  # fmt: skip
    assert _cache_path(load_config(path)) is None  # no cache folder, nothing written
    assert _cache_path(load_config(sample_folder / "config.toml")) is not None
    inside = edited(
        sample_folder, "\n[compute]\n",
        '\n[compute]\ncache_folder = "resultats/cache"\n', name="inside.toml",
    )  # fmt: skip
    with pytest.raises(ConfigError, match=r"inside `outputs\.folder`"):
        run(load_config(inside))


def test_searches_on_a_dask_cluster_give_the_same_run(
    sample_folder, sample_run, tmp_path
):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        entry = f'\n[compute]\nscheduler = "{cluster.scheduler_address}"\n'
        path = edited(sample_folder, "\n[compute]\n", entry, name="dask.toml")
        on_cluster = run(load_config(path).with_folder(tmp_path / "dask"))
    here = sample_run
    pd.testing.assert_frame_equal(_times(on_cluster), _times(here))
    pd.testing.assert_frame_equal(
        on_cluster.index.drop(columns="geometry"), here.index.drop(columns="geometry")
    )


def test_a_road_matrix_asked_again_is_not_searched_again(sample_folder):
    config = load_config(sample_folder / "config.toml")
    inputs = read_inputs(config, Ledger(lang="fr", parameters={}))
    places, sites = inputs.places, inputs.structures
    times = TimeSource(config, inputs)
    first = times(places, sites, 20)
    assert times(places.copy(), sites.copy(), 20) is first
    # another bound, other sites, or moved sites: searched anew
    assert times(places, sites, 25) is not first
    assert times(places, sites.iloc[1:], 20) is not first
    moved = sites.set_geometry(sites.geometry.translate(100, 0))
    again = times(places, moved, 20)
    assert again is not first and times.kept == 2  # the last two kept
    assert times(places, moved, 20) is again
    times.forget()
    assert times.kept == 0 and times(places, moved, 20) is not again
