"""Write a small FINESS extraction in the exact official layout (no real data)."""

from __future__ import annotations

from pathlib import Path

from pyproj import Transformer

from coordogeo.io.finess import GEO_FIELDS, STRUCTURE_FIELDS

#: (finess, département, commune, category, label, name, lon, lat, epsg) — made up.
ROWS = [
    ("460000011", "46", "042", "603", "Maison de santé (L.6223-3)",
     "MSP « Quercy » & <Santé>", 1.4400, 44.4475, 2154),
    ("2A0000029", "2A", "004", "124", "Centre de Santé",
     "CENTRE DE SANTE D'AJACCIO", 8.7369, 41.9192, 2154),
    ("9D0000037", "9D", "411", "604",
     "Communautés professionnelles territoriales de santé (CPTS)",
     "CPTS DU NORD", 55.4504, -20.8823, 2975),
    ("9A0000045", "9A", "101", "606", "Dispositif d'appui à la coordination (DAC)",
     "DAC GUADELOUPE", -61.5008, 16.2711, 5490),
    ("460000052", "46", "042", "355", "Centre Hospitalier (C.H.)",
     "CENTRE HOSPITALIER DE CAHORS", None, None, 2154),
    ("460000060", "46", "102", "603", "Maison de santé (L.6223-3)",
     "MSP DE FIGEAC", 55.45, -20.88, 2975),  # coordinates in Réunion: misplaced
]  # fmt: skip

_SOURCES = {
    2154: "1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole)",
    2975: "1,ATLASANTE,100,BAN,EPSG:2975 RGR92/UTM zone 40S (Réunion)",
    5490: "1,ATLASANTE,100,BAN,EPSG:5490 RGAF09/UTM zone 20N (Guadeloupe)",
}


def finess_lines() -> list[str]:
    """Return the records: header, structureet, geolocalisation."""
    lines = ["finess;etalab;98;2026-05-12"]
    for nofiness, dep, com, cat, label, name, *_ in ROWS:
        fields = dict.fromkeys(STRUCTURE_FIELDS, "")
        fields.update(
            section="structureet",
            nofinesset=nofiness,
            nofinessej=nofiness[:2] + "9" * 7,
            rs=name[:38],
            rslongue=name,
            commune=com,
            departement=dep,
            ligneacheminement=f"{dep}{com} COMMUNE",
            categetab=cat,
            libcategetab=label,
            dateouv="2019-01-01",
            maj="2026-04-30",
        )
        lines.append(";".join(fields[f] for f in STRUCTURE_FIELDS))
    for nofiness, *_, lon, lat, epsg in ROWS:
        if lon is None:
            continue  # no geolocalisation record: the row must come back flagged
        x, y = Transformer.from_crs(4326, epsg, always_xy=True).transform(lon, lat)
        values = ["geolocalisation", nofiness, f"{x:.1f}", f"{y:.1f}", _SOURCES[epsg],
                  "2026-04-30"]  # fmt: skip
        assert len(values) == len(GEO_FIELDS)
        lines.append(";".join(values))
    return lines


def write_finess(path: Path, *, encoding: str = "utf-8") -> Path:
    """Write the fixture file, UTF-8 or Windows-1252 ('cp1252')."""
    path.write_bytes(("\r\n".join(finess_lines()) + "\r\n").encode(encoding))
    return path
