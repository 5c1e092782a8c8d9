"""Under-served places: rules, contiguous zones, zonage categories, new sites."""

from coordogeo.underserved.rules import (
    COMPARISONS,
    Rule,
    apl_below,
    classify,
    in_no_cpts,
    travel_time_above,
)
from coordogeo.underserved.sites import suggest_sites
from coordogeo.underserved.zonage import DEFAULT_THRESHOLDS, ZONAGE_CATEGORIES, zonage
from coordogeo.underserved.zones import label_zones, zones

__all__ = [
    "COMPARISONS",
    "DEFAULT_THRESHOLDS",
    "ZONAGE_CATEGORIES",
    "Rule",
    "apl_below",
    "classify",
    "in_no_cpts",
    "label_zones",
    "suggest_sites",
    "travel_time_above",
    "zonage",
    "zones",
]
