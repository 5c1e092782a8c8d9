"""Read the data.gouv FINESS extraction (etalab-cs1100507-stock-*.csv) as structures."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely
from pyproj import Transformer

from coordogeo.crs import (
    territory_crs,
    territory_of_insee,
    territory_of_lonlat,
)
from coordogeo.errors import InputError, format_labels
from coordogeo.files import existing_path
from coordogeo.io._tables import decode_text
from coordogeo.io.structures import open_by

__all__ = ["FINESS_KINDS", "GEO_FIELDS", "STRUCTURE_FIELDS", "read_finess"]

logger = logging.getLogger(__name__)

#: Fields of a ``structureet`` record, in order (the section tag first).
STRUCTURE_FIELDS: Final = (
    "section", "nofinesset", "nofinessej", "rs", "rslongue", "complrs",
    "compldistrib", "numvoie", "typvoie", "voie", "compvoie", "lieuditbp", "commune",
    "departement", "libdepartement", "ligneacheminement", "telephone", "telecopie",
    "categetab", "libcategetab", "categagretab", "libcategagretab", "siret",
    "codeape", "codemft", "libmft", "codesph", "libsph", "dateouv", "dateautor",
    "maj", "numuai",
)  # fmt: skip
#: Fields of a ``geolocalisation`` record, in order.
GEO_FIELDS: Final = (
    "section", "nofinesset", "coordxet", "coordyet", "sourcecoordet", "datemaj",
)  # fmt: skip
#: FINESS category code → coordogeo ``kind`` (DOMAIN.md §4); any other is ``other``.
FINESS_KINDS: Final[dict[str, str]] = {
    "603": "MSP",
    "124": "CDS",
    "604": "CPTS",
    "606": "DAC",
}
#: FINESS département codes of the overseas départements → INSEE département.
_DOM: Final = {"9A": "971", "9B": "972", "9C": "973", "9D": "974", "9F": "976"}


def read_finess(
    path: str | Path,
    *,
    territory: str | None = "metropole",
    categories: Iterable[str | int] | None = None,
    as_of: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a FINESS extraction (``etalab-cs1100507-stock-*.csv``) into structures.

    The file has a header record (``finess;etalab;…;date``), then ``structureet``
    records (32 fields) and ``geolocalisation`` records (6 fields), joined on the
    FINESS number; ``;``-separated, UTF-8 or Windows-1252 (detected). Each row's CRS
    is read from the EPSG code that ends ``sourcecoordet``.

    Parameters
    ----------
    path
        The CSV file.
    territory
        Keep the establishments of this territory (``metropole`` includes Corsica;
        ``antilles``, ``guyane``, ``reunion``, ``mayotte``,
        ``saint_pierre_et_miquelon``), returned in its metric CRS. None keeps every
        territory, in EPSG:4326.
    categories
        FINESS category codes to keep (e.g. ``[603, 124]`` for MSP and centres de
        santé); every category if None.
    as_of
        A date (``"2019-01-01"``): keep only the establishments open by then
        (``dateouv``, else ``dateautor``). How many were left out is in
        ``attrs["opened_after_as_of"]``; rows with neither date are kept, counted in
        ``attrs["no_opening_date"]`` and warned about. A current extraction no
        longer lists the establishments closed since: an older state built this way
        lacks them.

    Returns
    -------
    GeoDataFrame
        Indexed by ``finess`` (the establishment number): ``name``, ``category``,
        ``category_label``, ``kind`` (MSP, CDS, CPTS, DAC or ``other``), ``insee``,
        ``territory``, ``commune_label``, ``finess_ej``, ``epsg`` (the source CRS),
        ``date_opened`` (``dateouv``, else ``dateautor``; NaT when neither),
        ``located`` (False when the file gives no usable coordinates, or
        coordinates outside the establishment's territory — then the geometry is
        empty and ``location_issue`` says why). No row of ``territory`` (or of
        the ``categories``) is dropped; the rows of other territories are left out
        and listed in ``attrs["other_territories"]`` (FINESS number -> INSEE code),
        for the caller to count. The header record's extraction date (ISO) is in
        ``attrs["extracted"]`` (None when the record has no date).

    Raises
    ------
    InputError
        A file that is not a FINESS extraction, a truncated record (the line number
        is given), category codes that are not 3 characters, an unknown territory.
    """
    crs_out = "EPSG:4326" if territory is None else territory_crs(territory)
    wanted = _categories(categories)
    file = existing_path(path)
    if not file.is_file():
        raise InputError(f"`path`: no file at {str(file)!r}.")
    text = _decoded(file)
    struct, geo = _sections(text, path=str(path))
    out = _structures(struct)
    if wanted is not None:
        out = out[out["category"].isin(wanted)]
    elsewhere = pd.Series(dtype=object)
    if territory is not None:
        here = (out["territory"] == territory).to_numpy()
        elsewhere = out.loc[~here, "insee"].astype(object)
        out = out[here]
    dropped = undated = 0
    if as_of is not None:
        out, dropped, undated = open_by(out, as_of, what="FINESS establishments",
                                        stacklevel=3)  # fmt: skip
    where = geo.drop_duplicates("nofinesset", keep="last").set_index("nofinesset")
    geometry, epsg, issue = _locations(out, where.reindex(out.index))
    out["epsg"] = epsg
    out["located"] = issue == ""
    out["location_issue"] = issue
    frame = gpd.GeoDataFrame(out, geometry=geometry, crs="EPSG:4326")
    if crs_out != "EPSG:4326":
        frame = frame.to_crs(crs_out)
    if as_of is not None:
        frame.attrs.update(opened_after_as_of=dropped, no_opening_date=undated)
    # the rows of other territories (overseas in a national file): named, counted
    frame.attrs["other_territories"] = {str(k): str(v) for k, v in elsewhere.items()}
    frame.attrs["extracted"] = _extraction_date(text)
    if (~frame["located"]).any():
        logger.info(
            "%d FINESS row(s) without usable coordinates", (~out["located"]).sum()
        )
    return frame


def _categories(categories: Iterable[str | int] | None) -> set[str] | None:
    """Category codes as 3-character strings; kinds such as 'MSP' get a hint."""
    if categories is None:
        return None
    codes = [str(c).strip() for c in categories]
    bad = [c for c in codes if not (len(c) == 3 and c.isdigit())]  # noqa: PLR2004
    if bad:
        by_kind = {v: k for k, v in FINESS_KINDS.items()}
        hint = ", ".join(f"{c} → {by_kind[c]}" for c in bad if c in by_kind)
        raise InputError(
            f"`categories` must be FINESS category codes of 3 digits, got "
            f"{format_labels(bad)}{f' (use the codes: {hint})' if hint else ''}."
        )
    return set(codes)


def _decoded(path: Path) -> str:
    """Return the file's text (:func:`coordogeo.io._tables.decode_text`)."""
    return decode_text(path.read_bytes(), name=path.name, stacklevel=4)


def _extraction_date(text: str) -> str | None:
    r"""Return the extraction date of the header record (ISO), or None.

    >>> _extraction_date("finess;etalab;98;2026-05-12\nstructureet;…")
    '2026-05-12'
    >>> _extraction_date("finess;etalab;98;2026") is None
    True
    """
    head = text.split("\n", 1)[0].strip().split(";")[-1].strip()
    date = pd.to_datetime(head, errors="coerce", format="ISO8601")
    return None if pd.isna(date) or len(head) < 8 else date.date().isoformat()  # noqa: PLR2004


def _sections(text: str, *, path: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the records by section and check each one's field count."""
    lines = pd.Series(text.splitlines())
    lines = lines[lines.str.strip() != ""]
    if lines.empty or not lines.iloc[0].lower().startswith("finess;"):
        raise InputError(
            f"`{path}` does not start with the FINESS header record "
            "('finess;etalab;…'); is it the data.gouv `etalab-cs1100507-stock` file?"
        )
    body = lines.iloc[1:]
    tag = body.str.split(";", n=1).str[0].str.strip().str.lower()
    parts = []
    for section, fields in (
        ("structureet", STRUCTURE_FIELDS),
        ("geolocalisation", GEO_FIELDS),
    ):
        rows = body[tag == section]
        count = rows.str.count(";") + 1
        short = count != len(fields)
        if short.any():
            numbers = (rows.index[short] + 1).tolist()  # 1-based line numbers
            raise InputError(
                f"`{path}`: {int(short.sum())} `{section}` record(s) do not have "
                f"{len(fields)} fields, at line(s) {format_labels(numbers)} (e.g. "
                f"{int(count[short].iloc[0])} fields); the file is truncated or not "
                "in the official layout."
            )
        table = pd.read_csv(
            io.StringIO("\n".join(rows)),
            sep=";",
            header=None,
            names=list(fields),
            dtype=str,
            keep_default_na=False,
            quoting=3,  # csv.QUOTE_NONE: FINESS fields are never quoted
        )
        parts.append(table)
    if parts[0].empty:
        raise InputError(f"`{path}` has no `structureet` record.")
    return parts[0], parts[1]


def _structures(struct: pd.DataFrame) -> pd.DataFrame:
    """Return the establishment columns, indexed by FINESS number."""
    dep = struct["departement"].str.strip().str.upper()
    commune = struct["commune"].str.strip()
    # overseas: FINESS département 9A…9F, and the INSEE code is "97" + commune
    overseas = dep.isin(list(_DOM)).to_numpy()
    insee = np.where(overseas, "97" + commune, dep + commune)
    out = pd.DataFrame(
        {
            "name": struct["rslongue"].where(struct["rslongue"] != "", struct["rs"]),
            "category": struct["categetab"].str.strip(),
            "category_label": struct["libcategetab"],
            "insee": insee,
            "commune_label": struct["ligneacheminement"],
            "finess_ej": struct["nofinessej"],
            "date_opened": pd.to_datetime(
                struct["dateouv"].where(struct["dateouv"].str.strip() != "",
                                        struct["dateautor"]).str.strip(),
                errors="coerce", format="%Y-%m-%d",
            ),
        }
    )  # fmt: skip
    out.index = pd.Index(struct["nofinesset"].str.strip(), name="finess")
    twice = out.index[out.index.duplicated()].unique()
    if len(twice):
        raise InputError(
            f"The FINESS file lists {len(twice)} establishment number(s) on several "
            f"`structureet` records: {format_labels(twice)}. An extraction lists each "
            "establishment once: the file was probably concatenated from several "
            "extractions; keep one."
        )
    out["kind"] = out["category"].map(FINESS_KINDS).fillna("other")
    out["territory"] = territory_of_insee(out["insee"]).to_numpy()
    return out


def _locations(
    out: pd.DataFrame, geo: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lon/lat points from each row's own CRS; an issue text where unusable."""
    n = len(out)
    x = pd.to_numeric(geo["coordxet"], errors="coerce").to_numpy()
    y = pd.to_numeric(geo["coordyet"], errors="coerce").to_numpy()
    epsg = geo["sourcecoordet"].str.extract(r"EPSG:(\d+)", expand=False)
    issue = np.where(
        np.isfinite(x) & np.isfinite(y) & epsg.notna().to_numpy(), "", "no coordinates"
    )
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    for code in epsg.dropna().unique():
        rows = ((epsg == code).to_numpy()) & (issue == "")
        to_ll = Transformer.from_crs(f"EPSG:{code}", "EPSG:4326", always_xy=True)
        lon[rows], lat[rows] = to_ll.transform(x[rows], y[rows])
    where = territory_of_lonlat(lon, lat)
    outside = (issue == "") & (where != out["territory"].to_numpy())
    issue = np.where(outside, "outside its territory", issue)
    ok = issue == ""
    geometry = np.full(n, shapely.Point(), dtype=object)
    geometry[ok] = shapely.points(lon[ok], lat[ok])
    codes = np.where(epsg.notna(), "EPSG:" + epsg.fillna(""), "")
    return geometry, codes, issue
