"""twistlike's main demo: runs the seed's programs that twistlike supports so far.

Each program under examples/seed/ is the seed's Twisted program with only its imports changed.
This runs them one after another and shows what each prints.
"""

import runpy
import sys
from pathlib import Path

SEED = Path(__file__).parent / "seed"

PROGRAMS = [
    ("deferred_basics.py", []),
    ("deferred_basics.py", ["call_error"]),
    ("deferred_chain.py", []),
]


def main() -> int:
    for name, args in PROGRAMS:
        print(f"--- {name} {' '.join(args)}".rstrip())
        saved = sys.argv
        sys.argv = [str(SEED / name), *args]
        try:
            runpy.run_path(str(SEED / name), run_name="__main__")
        finally:
            sys.argv = saved
    return 0


if __name__ == "__main__":
    sys.exit(main())
