"""Every algorithm of the provider, in the toolbox's order."""

from .access import Isochrones, Matrix, Nearest
from .coverage import Coverage
from .equity import Equity
from .indices import Indices
from .network import BuildNetwork
from .run import RunConfig
from .scenario import Scenario
from .underserved import Sites, Zonage, Zones

ALGORITHMS = (
    BuildNetwork,
    Nearest,
    Isochrones,
    Matrix,
    Indices,
    Coverage,
    Zones,
    Zonage,
    Sites,
    Equity,
    Scenario,
    RunConfig,
)
