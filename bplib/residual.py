"""(stub: being written) Part V module `bplib.residual`."""
from __future__ import annotations

__all__: list[str] = []
