"""Build the QGIS plugin's zip, as QGIS's plugin manager installs it.

    python qgis_plugin/build.py [FOLDER]   # writes FOLDER/coordogeo_qgis-<version>.zip

The zip holds one folder, ``coordogeo_qgis/`` (« Extensions > Installer depuis un
ZIP »); its ``metadata.txt`` gets coordogeo's version. Byte for byte the same zip
for the same sources (entries sorted, dated 1980-01-01).
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLUGIN = HERE / "coordogeo_qgis"


def version() -> str:
    """Coordogeo's version, read from its source (nothing imported)."""
    text = (HERE.parent / "coordogeo" / "_version.py").read_text(encoding="utf-8")
    found = re.search(r'__version__ = "([^"]+)"', text)
    if found is None:
        raise SystemExit("no __version__ in coordogeo/_version.py")
    return found.group(1)


def build(folder: Path) -> Path:
    """Write the zip into ``folder``; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"coordogeo_qgis-{version()}.zip"
    files = sorted(
        p for p in PLUGIN.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )  # fmt: skip
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path in files:
            name = f"{PLUGIN.name}/{path.relative_to(PLUGIN).as_posix()}"
            data = path.read_bytes()
            if path.name == "metadata.txt":
                data = re.sub(
                    rb"(?m)^version=.*$", f"version={version()}".encode(), data
                )
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "dist"))
