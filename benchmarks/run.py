"""Run every benchmark (``make bench``); results are written to ``benchmarks/results/``.

Exits non-zero if a benchmark misses its budget or fails.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: ``python benchmarks/run.py``
    sys.path.insert(0, str(REPO))

from benchmarks import export_memory, regions_load  # noqa: E402

BENCHMARKS = {"regions_load": regions_load.run, "export_memory": export_memory.run}


def main() -> int:
    failed = []
    for name, bench in BENCHMARKS.items():
        print(f"== {name}")
        if not bench():
            failed.append(name)
    if failed:
        print(f"Over budget or wrong: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
