"""docgen: the documents a Vietnamese office issues after a meeting, from one YAML record."""

__version__ = "0.1.0"
