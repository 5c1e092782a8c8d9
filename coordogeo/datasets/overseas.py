"""The sample territory moved overseas: the same shapes in each territory's own CRS.

INSEE codes overseas have two digits after the département (97401 …), so the
sample's 214 communes are merged three by three into 72 communes coded
``<département>01`` … ``<département>72``; everything else (cells, roads,
structures, CPTS) follows. The place is fictional: the shapes are moved, not drawn
from the real island or coast.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from coordogeo.crs import TERRITORY_CRS

__all__ = ["OVERSEAS", "moved_overseas"]

#: Territory -> (INSEE département, CRS territory, centre in that CRS, metres).
OVERSEAS: Final[dict[str, tuple[str, str, tuple[float, float]]]] = {
    "guadeloupe": ("971", "antilles", (650_000.0, 1_795_000.0)),
    "martinique": ("972", "antilles", (710_000.0, 1_625_000.0)),
    "guyane": ("973", "guyane", (350_000.0, 500_000.0)),
    "reunion": ("974", "reunion", (345_000.0, 7_660_000.0)),
    "mayotte": ("976", "mayotte", (515_000.0, 8_580_000.0)),
}
_GROUP: Final = 3  # communes merged into one overseas commune


def moved_overseas(
    frames: dict[str, gpd.GeoDataFrame | pd.DataFrame],
    *,
    territory: str,
    centre: tuple[float, float],
) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """Move the sample's frames to ``territory``: CRS, coordinates, INSEE codes."""
    dep, crs_key, target = OVERSEAS[territory]
    crs = TERRITORY_CRS[crs_key]
    # whole kilometres, so that the 1 km cells stay on the INSEE grid
    dx = round((target[0] - centre[0]) / 1_000.0) * 1_000.0
    dy = round((target[1] - centre[1]) / 1_000.0) * 1_000.0
    communes = frames["communes"]
    order = np.argsort(communes.index.to_numpy())
    group = np.empty(len(communes), dtype=np.int64)
    group[order] = np.arange(len(communes)) // _GROUP
    code = pd.Series(
        [f"{dep}{g + 1:02d}" for g in group], index=communes.index, dtype=object
    )

    def moved(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        out = frame.copy()
        shift = np.array([dx, dy])
        out.geometry = shapely.transform(out.geometry.to_numpy(), lambda c: c + shift)
        return out.set_crs(crs, allow_override=True)

    merged = moved(communes).assign(insee=code.to_numpy())
    first = ~merged["insee"].duplicated()
    new = merged.dissolve(
        by="insee",
        aggfunc={"nom": "first", "population": "sum", "rank": "min",
                 "bourg_x": "first", "bourg_y": "first"},
    )  # fmt: skip
    new["bourg_x"] = merged.loc[first.to_numpy(), "bourg_x"].to_numpy() + dx
    new["bourg_y"] = merged.loc[first.to_numpy(), "bourg_y"].to_numpy() + dy
    new.insert(0, "insee", new.index.to_numpy())
    new.index.name = None
    cells = moved(frames["population"])
    cells["insee"] = cells["insee"].map(code)
    south_west = shapely.bounds(cells.geometry.to_numpy())[:, :2]
    ids = [
        f"CRS{crs.split(':')[1]}RES1000mN{round(y)}E{round(x)}" for x, y in south_west
    ]
    cells.index = pd.Index(ids)
    cells["idcar_1km"] = ids
    sites = moved(frames["structures"])
    sites["insee"] = sites["insee"].map(code)
    members = frames["cpts_members"].assign(
        insee=frames["cpts_members"]["insee"].map(code)
    )
    members = members.drop_duplicates(["cpts_id", "insee"]).reset_index(drop=True)
    return {
        "communes": new,
        "population": cells,
        "roads": moved(frames["roads"]),
        "structures": sites,
        "cpts_members": members,
    }
