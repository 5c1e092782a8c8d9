"""The embedded sample territory: fictional, generated, deterministic."""

from coordogeo.datasets.sample import SampleTerritory, sample_territory

__all__ = ["SampleTerritory", "sample_territory"]
