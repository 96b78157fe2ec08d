"""(stub: being written) Part V module `bplib.recurrent`."""
from __future__ import annotations

__all__: list[str] = []
