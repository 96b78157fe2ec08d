"""(stub: being written) Part V module `bplib.conv`."""
from __future__ import annotations

__all__: list[str] = []
