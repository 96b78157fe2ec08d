"""(stub: being written) Part V module `bplib.tensor`."""
from __future__ import annotations

__all__: list[str] = []
