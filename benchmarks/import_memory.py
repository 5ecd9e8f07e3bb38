"""Benchmark 6, `import_memory`: peak RSS (and time) of importing the 100,000-row sheet.

    python -m benchmarks.import_memory --db sqlite --size 100000 --side ours|floor

The peak is the process's VmHWM after the import: interpreter, Django and the import.
"""

from __future__ import annotations

from benchmarks import common
from benchmarks.importing import run

SIDES = ["ours", "floor"]


def main() -> None:
    args = common.arguments(SIDES, 100_000)
    common.emit(**run(args.db, args.size, args.side))


if __name__ == "__main__":
    main()
