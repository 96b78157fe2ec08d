"""(stub: being written) Part V module `bplib.attention`."""
from __future__ import annotations

__all__: list[str] = []
