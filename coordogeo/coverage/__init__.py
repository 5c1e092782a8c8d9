"""Coverage: CPTS territories, overlaps and gaps, coverage rates, who is in reach."""

from coordogeo.coverage.allocate import assign_to_communes, commune_of
from coordogeo.coverage.rates import coverage_rates
from coordogeo.coverage.reach import within_reach
from coordogeo.coverage.territories import (
    ACI_SIZE_CUTOFFS,
    cpts_territories,
    overlaps_and_gaps,
)

__all__ = [
    "ACI_SIZE_CUTOFFS",
    "assign_to_communes",
    "commune_of",
    "coverage_rates",
    "cpts_territories",
    "overlaps_and_gaps",
    "within_reach",
]
