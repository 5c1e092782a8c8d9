"""The batch run behind ``coordogeo run`` and ``coordogeo demo``."""
