"""The package's face: every public name loads, lazily, and names nothing missing."""

import importlib
import pkgutil
import subprocess
import sys

import coordogeo


def test_every_public_name_of_the_package_loads():
    for name in coordogeo.__all__:
        assert getattr(coordogeo, name) is not None, name
    # every capability package and public module is reachable as cg.<name>
    public = {
        m.name
        for m in pkgutil.iter_modules(coordogeo.__path__)
        if not m.name.startswith("_") and m.name not in ("cli",)
    }
    assert public <= set(coordogeo.__all__), public - set(coordogeo.__all__)
    assert coordogeo.equity.gini([1.0, 1.0], [1, 1]) == 0.0
    assert importlib.import_module("coordogeo.scenarios") is coordogeo.scenarios


def test_importing_coordogeo_loads_no_pandas():
    code = "import sys, coordogeo; print('pandas' in sys.modules)"
    child = subprocess.run([sys.executable, "-c", code], capture_output=True,
                           text=True, check=True, timeout=60)  # fmt: skip
    assert child.stdout.strip() == "False"
