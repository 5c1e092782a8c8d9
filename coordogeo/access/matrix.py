"""Bounded origins × destinations travel minutes: from roads, a table or crow-fly."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.spatial import cKDTree

import geopandas as gpd

from coordogeo._columns import CROWFLY_MODEL, ROAD_MODEL, TABLE_MODEL
from coordogeo.crs import to_metric_crs
from coordogeo.errors import (
    InputError,
    check_columns,
    check_counts,
    check_positive,
    format_labels,
)
from coordogeo.network.roads import RoadNetwork, anchor_xy
from coordogeo.network.search import (
    POSITION_DTYPE,
    TIME_DTYPE,
    bounded_pairs,
    check_n_jobs,
    sorted_pairs,
)

__all__ = [
    "TravelTimeMatrix",
    "assemble_matrix",
    "check_matrix_bound",
    "check_matrix_ids",
    "check_time_source",
    "crowfly_matrix",
    "travel_time_matrix",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class TravelTimeMatrix:
    """Sparse travel minutes **from** each origin **to** each destination, bounded.

    Build it with :func:`travel_time_matrix` (a road network),
    :meth:`TravelTimeMatrix.from_table` (INSEE Metric-OSRM, OSRM, r5py output…) or
    :func:`crowfly_matrix` (the explicit fallback when no road data exists). Only
    pairs within ``max_time_min`` are stored (a stored 0 is a real 0 minutes);
    every other pair is out of reach. Arrays are read-only.

    Attributes
    ----------
    origins, destinations
        The id sets (index labels of the inputs), kept whole even for ids with no
        pair in reach.
    origin, destination
        Integer positions into ``origins`` / ``destinations`` of each stored pair,
        sorted by origin then destination (``int32``).
    time_min
        Travel minutes of each stored pair, ``<= max_time_min``, as ``float32``:
        the sums are made in float64 seconds and rounded once to float32 minutes,
        within 1 part in 16 million of them (under 0,0003 s for an hour) — far
        below the precision of any road speed. Together: 12 bytes a pair.
    max_time_min
        The bound.
    model
        ``"road network"``, ``"external table"`` or ``"crow-fly estimate"``.
    description
        One line saying how the times were made; every output that uses the matrix
        carries it in a ``time_model`` column.
    origin_snapped, destination_snapped
        False where a place could not be attached to the road network (it then has
        no pair); all True for tables and crow-fly.
    """

    origins: pd.Index
    destinations: pd.Index
    origin: np.ndarray
    destination: np.ndarray
    time_min: np.ndarray
    max_time_min: float
    model: str
    description: str
    origin_snapped: np.ndarray = field(repr=False)
    destination_snapped: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        """Freeze the arrays."""
        for name in ("origin", "destination", "time_min", "origin_snapped",
                     "destination_snapped"):  # fmt: skip
            getattr(self, name).setflags(write=False)

    @property
    def shape(self) -> tuple[int, int]:
        """(number of origins, number of destinations)."""
        return len(self.origins), len(self.destinations)

    @property
    def n_pairs(self) -> int:
        """Number of (origin, destination) pairs within ``max_time_min``."""
        return len(self.time_min)

    def to_table(self) -> pd.DataFrame:
        """Return the stored pairs as a long table.

        Returns
        -------
        DataFrame
            ``origin``, ``destination`` (the ids), ``time_min`` and ``time_model``
            (:attr:`description`, categorical); one row per pair in reach.
        """
        return pd.DataFrame(
            {
                "origin": self.origins[self.origin],
                "destination": self.destinations[self.destination],
                "time_min": self.time_min.astype(np.float64),
                "time_model": pd.Categorical([self.description] * self.n_pairs),
            }
        )

    def to_sparse(self) -> csr_matrix:
        """Return an origins × destinations ``csr_matrix`` of minutes **plus one**.

        Sparse matrices cannot tell a stored 0 from an absent pair, so minutes are
        shifted by one: subtract 1 from ``.data`` after selecting.
        """
        return csr_matrix(
            (self.time_min.astype(np.float64) + 1.0, (self.origin, self.destination)),
            shape=self.shape,
        )

    @classmethod
    def from_table(
        cls,
        table: pd.DataFrame,
        *,
        origin: str = "origin",
        destination: str = "destination",
        time_min: str = "time_min",
        max_time_min: float | None = None,
        origins: pd.Index | None = None,
        destinations: pd.Index | None = None,
    ) -> TravelTimeMatrix:
        """Build a matrix from a long table of (origin, destination, minutes).

        Parameters
        ----------
        table
            One row per pair, times **from** origin **to** destination in minutes.
            A commune-to-commune Metric-OSRM extract, an OSRM ``table`` response or
            an r5py ``TravelTimeMatrix`` (``from_id``, ``to_id``, ``travel_time``)
            all fit.
        origin, destination, time_min
            Column names in ``table``.
        max_time_min
            Bound of the matrix; pairs beyond it are left out (counted in the log).
            The largest time of the table if None.
        origins, destinations
            The full id sets, for places with no pair at all (e.g. communes with no
            site within reach); the ids of ``table`` if None. Every id of ``table``
            must be in them.

        Raises
        ------
        InputError
            Missing columns, NaN or negative times, the same pair twice, ids of
            ``table`` absent from ``origins``/``destinations``.

        Examples
        --------
        >>> import pandas as pd
        >>> t = pd.DataFrame({"from_id": ["a", "a", "b"], "to_id": ["x", "y", "x"],
        ...                   "travel_time": [5.0, 25.0, 0.0]})
        >>> m = TravelTimeMatrix.from_table(
        ...     t, origin="from_id", destination="to_id", time_min="travel_time",
        ...     max_time_min=20, origins=pd.Index(["a", "b", "c"]))
        >>> m.shape, m.n_pairs
        ((3, 2), 2)
        >>> m.to_table()[["origin", "destination", "time_min"]]
          origin destination  time_min
        0      a           x       5.0
        1      b           x       0.0
        """
        check_columns(table, [origin, destination, time_min], name="table")
        minutes = check_counts(
            table,
            time_min,
            name="table",
            fix="an unreachable pair is simply left out of the table.",
        )
        pairs = table[[origin, destination]]
        twice = pairs.duplicated(keep="first").to_numpy()
        if twice.any():
            raise InputError(
                "`table` gives the same (origin, destination) pair twice on "
                f"{int(twice.sum())} row(s), at index "
                f"{format_labels(table.index[twice])}; keep one time per pair (e.g. "
                "`drop_duplicates`, or the minimum)."
            )
        o_ids = _id_set(origins, table[origin], name="origins")
        d_ids = _id_set(destinations, table[destination], name="destinations")
        bound = float(minutes.max()) if max_time_min is None and len(minutes) else 0.0
        if max_time_min is not None:
            bound = check_positive(max_time_min, name="max_time_min", unit="minutes")
        keep = minutes <= bound
        if not keep.all():
            logger.info("%d pair(s) beyond %g min left out", (~keep).sum(), bound)
        return assemble_matrix(
            (o_ids, d_ids),
            (
                o_ids.get_indexer(pd.Index(table[origin]))[keep],
                d_ids.get_indexer(pd.Index(table[destination]))[keep],
                minutes[keep],
            ),
            max_time_min=bound,
            model=TABLE_MODEL,
            description=f"{TABLE_MODEL} (times given by the user, ≤ {bound:g} min)",
        )


def _id_set(given: pd.Index | None, used: pd.Series, *, name: str) -> pd.Index:
    """Return the id set: ``given`` checked to hold every used id, or the used ids."""
    if given is None:
        return pd.Index(pd.unique(used))
    ids: pd.Index = pd.Index(given)
    if not ids.is_unique:
        raise InputError(
            f"`{name}` repeats ids {format_labels(ids[ids.duplicated()])}."
        )
    missing = pd.Index(pd.unique(used))[~pd.Index(pd.unique(used)).isin(ids)]
    if len(missing):
        raise InputError(
            f"`table` uses {len(missing)} id(s) absent from `{name}`: "
            f"{format_labels(missing)}; {_lost_zeros_hint(missing, ids, name)}"
        )
    return ids


def _lost_zeros_hint(missing: pd.Index, ids: pd.Index, name: str) -> str:
    """Say how to fix ids absent from ``ids``: add them, or put back lost zeros."""
    text = pd.Index(missing.astype(str))
    padded = text.str.zfill(5)
    lost = np.asarray(text.str.fullmatch(r"\d{4}")) & padded.isin(ids.astype(str))
    if lost.any():
        return (
            f"{int(lost.sum())} of them are INSEE codes that lost their leading zero "
            f"({text[lost][0]} for {padded[lost][0]}): a spreadsheet read them as "
            "numbers. Read the table with its codes as text (dtype=str), or pad "
            "them to 5 characters."
        )
    return f"add them to `{name}`."


def check_time_source(
    network_or_matrix: object,
) -> RoadNetwork | TravelTimeMatrix:
    """Return ``network_or_matrix`` if times can be read from it, else raise.

    Every function that takes either a road network (searched) or a matrix (read)
    checks its ``network_or_matrix`` here: one name, one error.

    >>> check_time_source("roads.gpkg")
    Traceback (most recent call last):
    ...
    coordogeo.errors.InputError: `network_or_matrix` must be a RoadNetwork or a \
TravelTimeMatrix, got str.
    """
    if not isinstance(network_or_matrix, RoadNetwork | TravelTimeMatrix):
        raise InputError(
            "`network_or_matrix` must be a RoadNetwork or a TravelTimeMatrix, got "
            f"{type(network_or_matrix).__name__}."
        )
    return network_or_matrix


def check_matrix_bound(matrix: TravelTimeMatrix, bound: float) -> None:
    """Raise unless ``matrix`` holds every pair within ``bound`` minutes.

    A matrix cut at 20 min cannot say who is within 30: it would count them as
    out of reach.
    """
    if matrix.max_time_min < bound:
        raise InputError(
            f"The matrix stops at {matrix.max_time_min:g} min, below `max_time_min` = "
            f"{bound:g}; build it with max_time_min >= {bound:g}."
        )


def check_matrix_ids(
    matrix: TravelTimeMatrix,
    origins: pd.DataFrame,
    destinations: pd.DataFrame,
    *,
    names: tuple[str, str] = ("origins", "destinations"),
) -> None:
    """Raise unless both frames have unique ids, all among the matrix's own."""
    sides = ((origins, matrix.origins, names[0], "origins"),
             (destinations, matrix.destinations, names[1], "destinations"))  # fmt: skip
    for frame, ids, name, side in sides:
        if not frame.index.is_unique:
            raise InputError(
                f"`{name}` repeats index labels "
                f"{format_labels(frame.index[frame.index.duplicated()].unique())}; "
                "make them unique."
            )
        absent = frame.index[ids.get_indexer(frame.index) < 0]
        if len(absent):
            raise InputError(
                f"`{name}` has {len(absent)} id(s) absent from the matrix's {side}: "
                f"{format_labels(absent)}; build the matrix from these frames."
            )


def assemble_matrix(
    ids: tuple[pd.Index, pd.Index],
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    max_time_min: float,
    model: str,
    description: str,
    snapped: tuple[np.ndarray, np.ndarray] | None = None,
) -> TravelTimeMatrix:
    """Sort (origin, destination, minutes) pairs and freeze them in a matrix.

    The constructor shared by every matrix builder: ``ids`` are the full origin and
    destination id sets, ``pairs`` integer positions into them and the minutes of
    each pair in reach; ``snapped`` flags (all True if None) say which places could
    be attached to the road network.
    """
    origin, destination, minutes = pairs
    n_o, n_d = len(ids[0]), len(ids[1])
    if max(n_o, n_d) >= np.iinfo(POSITION_DTYPE).max:
        raise InputError(
            f"{max(n_o, n_d)} places on one side: more than a matrix can number; "
            "split the territory."
        )
    origin, destination, minutes = sorted_pairs(
        np.asarray(origin, dtype=POSITION_DTYPE),
        np.asarray(destination, dtype=POSITION_DTYPE),
        np.asarray(minutes, dtype=TIME_DTYPE),
        (n_o, n_d),
    )
    if snapped is None:
        snapped = (np.ones(n_o, dtype=bool), np.ones(n_d, dtype=bool))
    return TravelTimeMatrix(
        origins=ids[0],
        destinations=ids[1],
        origin=origin,
        destination=destination,
        time_min=minutes,
        max_time_min=float(max_time_min),
        model=model,
        description=description,
        origin_snapped=snapped[0],
        destination_snapped=snapped[1],
    )


def travel_time_matrix(
    network: RoadNetwork,
    origins: gpd.GeoDataFrame,
    destinations: gpd.GeoDataFrame,
    *,
    max_time_min: float = 30,
    n_jobs: int = 1,
    client: Any = None,
) -> TravelTimeMatrix:
    """Road travel minutes from every origin to every destination within a bound.

    One bounded Dijkstra search per distinct road node of the smaller side: from the
    destinations on the reversed graph when they are fewer, else from the origins on
    the graph itself; either way times run **from** origin **to** destination (one-way
    streets respected). Searches run in blocks (:mod:`coordogeo.network.search`) on
    ``n_jobs`` threads. Times include both approach legs, as in
    :func:`coordogeo.access.nearest`.

    Parameters
    ----------
    network
        The road network.
    origins, destinations
        Places and sites, any CRS; their index labels become the matrix ids.
    max_time_min
        Pairs beyond this are not stored.
    n_jobs
        Threads running the searches (the compiled search releases the GIL, the
        graph is shared, not copied); ``-1`` for all cores.
    client
        A ``dask.distributed.Client``: the blocks of searches run as tasks on its
        cluster (the network is sent to each worker once, only the pairs in reach
        come back); ``n_jobs`` is then ignored. Results are the same as with
        ``n_jobs=1``. Needs the ``compute`` extra.

    Returns
    -------
    TravelTimeMatrix
        ``model="road network"``; places too far from every road are flagged in
        ``origin_snapped`` / ``destination_snapped`` and have no pair.

    Raises
    ------
    InputError
        Bad CRS or geometries, ``max_time_min`` not > 0, ``n_jobs`` not an integer
        >= 1 or -1.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> from coordogeo.network import RoadNetwork
    >>> sample = sample_territory()
    >>> net = RoadNetwork.from_roads(sample.roads)
    >>> msp = sample.structures[sample.structures["kind"] == "MSP"]
    >>> m = travel_time_matrix(net, sample.population, msp, max_time_min=20)
    >>> m.shape, m.n_pairs
    ((3765, 14), 6809)
    >>> float(m.time_min.max()) <= 20
    True

    The island's cells have no pair: no road joins them to any MSP.

    >>> island = sample.population.index[sample.population["insee"] == "00046"]
    >>> bool(np.isin(m.origins.get_indexer(island), m.origin).any())
    False
    """
    limit_s = check_positive(max_time_min, name="max_time_min", unit="minutes") * 60
    workers = check_n_jobs(n_jobs)
    places, o_node, _, o_s = network.attach(origins, name="origins")
    sites, d_node, _, d_s = network.attach(destinations, name="destinations")
    from_sites = len(np.unique(d_node[d_node >= 0])) <= len(
        np.unique(o_node[o_node >= 0])
    )
    search = network.search_graph(reverse=from_sites)
    if from_sites:
        d_i, o_i, minutes = bounded_pairs(
            search, (d_node, d_s), (o_node, o_s), limit_s, workers, client=client
        )
    else:
        o_i, d_i, minutes = bounded_pairs(
            search, (o_node, o_s), (d_node, d_s), limit_s, workers, client=client
        )
    return assemble_matrix(
        (places.index, sites.index),
        (o_i, d_i, minutes),
        max_time_min=float(max_time_min),
        model=ROAD_MODEL,
        description=network.description,
        snapped=(o_node >= 0, d_node >= 0),
    )


def crowfly_matrix(
    origins: gpd.GeoDataFrame,
    destinations: gpd.GeoDataFrame,
    *,
    speed_kmh: float,
    detour_factor: float = 1.3,
    max_time_min: float = 30,
) -> TravelTimeMatrix:
    """Estimate travel minutes as straight-line distance × detour at a set speed.

    The **fallback model** when no road data exists: time = distance ×
    ``detour_factor`` / ``speed_kmh``. It ignores rivers, mountains, one-way streets
    and road speeds; every output built from it says so in its ``time_model``
    column. Pairs come from a KD-tree, so no all-pairs table is built.

    Parameters
    ----------
    origins, destinations
        Places and sites, any CRS (polygons are represented by a point on their
        surface).
    speed_kmh
        Assumed mean speed.
    detour_factor
        Road distance over straight-line distance; 1.3 is a common rural figure.
    max_time_min
        Pairs beyond this are not stored.

    Returns
    -------
    TravelTimeMatrix
        ``model="crow-fly estimate"``.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> sample = sample_territory()
    >>> m = crowfly_matrix(sample.communes, sample.communes, speed_kmh=60)
    >>> m.model, m.description
    ('crow-fly estimate', 'crow-fly estimate (straight line × 1.3 at 60 km/h; ...)')
    """
    speed = check_positive(speed_kmh, name="speed_kmh", unit="km/h")
    detour = check_positive(detour_factor, name="detour_factor", unit="")
    if detour < 1:
        raise InputError(f"`detour_factor` must be >= 1, got {detour_factor!r}.")
    bound = check_positive(max_time_min, name="max_time_min", unit="minutes")
    places = to_metric_crs(origins, name="origins")
    sites = to_metric_crs(destinations, name="destinations", crs=places.crs)
    reach_m = bound / 60 * speed * 1000 / detour
    o_xy, d_xy = anchor_xy(places), anchor_xy(sites)
    pairs = (
        cKDTree(o_xy).sparse_distance_matrix(
            cKDTree(d_xy), reach_m, output_type="ndarray"
        )
        if len(o_xy) and len(d_xy)
        else np.zeros(0, dtype=[("i", np.int64), ("j", np.int64), ("v", np.float64)])
    )
    o_i, d_i, dist_m = pairs["i"], pairs["j"], pairs["v"]  # zero distances kept
    minutes = dist_m * detour / (speed * 1000) * 60
    keep = minutes <= bound
    return assemble_matrix(
        (places.index, sites.index),
        (o_i[keep], d_i[keep], minutes[keep]),
        max_time_min=bound,
        model=CROWFLY_MODEL,
        description=(
            f"{CROWFLY_MODEL} (straight line × {detour:g} at {speed:g} km/h; "
            "fallback without road data)"
        ),
    )
