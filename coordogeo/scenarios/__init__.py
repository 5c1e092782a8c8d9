"""What-if scenarios and change over time: frozen states, changes, comparisons."""

from coordogeo.scenarios.compare import Comparison, compare
from coordogeo.scenarios.state import IndexOptions, State, apply, baseline

__all__ = ["Comparison", "IndexOptions", "State", "apply", "baseline", "compare"]
