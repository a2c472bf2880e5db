"""shopscore: recompute and diagnose the shop experience score from a seller's exports."""

__version__ = "0.1.0"
