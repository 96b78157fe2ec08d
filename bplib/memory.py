"""(being written) Chapter 11: what the backward pass keeps, and gradient checkpointing."""
from __future__ import annotations

__all__: list[str] = []
