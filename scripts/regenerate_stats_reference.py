"""Regenerate tests/stats/r_reference.json by running scripts/r/stats_reference.R with Rscript.

The JSON is committed, so the tests run without R; run this after changing the R script, or to check
kasvu against a newer R. Needs Rscript with the jsonlite and survey packages
(Debian: r-base-core r-cran-jsonlite r-cran-survey).

    python scripts/regenerate_stats_reference.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "r" / "stats_reference.R"
OUTPUT = ROOT / "tests" / "stats" / "r_reference.json"


def main() -> int:
    rscript = shutil.which("Rscript")
    if rscript is None:
        print("Rscript not found. Install R (Debian: apt-get install r-base-core r-cran-survey) and retry.")
        return 1
    result = subprocess.run([rscript, str(SCRIPT), str(OUTPUT)], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        print(f"{SCRIPT.name} failed (exit {result.returncode}); see the R error above.")
        return result.returncode
    print(f"Wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
