"""The embedded sample territory: fictional, generated, deterministic."""

from coordogeo.datasets.sample import (
    AGE_BANDS,
    CONSULTATIONS_PER_FTE,
    PLACEHOLDER_AGE_WEIGHTS,
    SampleTerritory,
    sample_territory,
)

__all__ = [
    "AGE_BANDS",
    "CONSULTATIONS_PER_FTE",
    "PLACEHOLDER_AGE_WEIGHTS",
    "SampleTerritory",
    "sample_territory",
]
