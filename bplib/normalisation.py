"""(stub: being written) Part V module `bplib.normalisation`."""
from __future__ import annotations

__all__: list[str] = []
