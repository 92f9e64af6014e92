"""A monthly national table imported without a mapping (issue 17): PX, 308 municipalities × 120 months × 20
contents = 739,200 cells, into a fresh SQLite database.

Builds a StatFin-style PX file (STUB Alue, Kuukausi; HEADING Tiedot; codes KU049…, periods 2015M01–2024M12)
and imports it by the same path as `kasvu import px FILE` (read by convention → ParsedBatch → loader) in a
child process. Disclosure control is timed apart, for one indicator (as in import_bench.py).

    python benchmarks/monthly_bench.py                 # 739,200 cells
    python benchmarks/monthly_bench.py --months 12     # a tenth, for a quick look

Target: the import (reading and storing) under 30 s. Prints the machine reference of import_bench.py and
the ratio to it, so that runs on a loaded machine compare. Results go to benchmarks/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_bench import machine_reference, setup_django  # noqa: E402


def generate(path: Path, n_months: int, n_contents: int) -> tuple[int, int]:
    """Write the PX file; returns (municipalities, cells)."""
    import numpy as np

    from kasvu.classification import load_finland

    munis = sorted(
        (a for a in load_finland().areas if a.kind == "municipality" and a.valid_to is None),
        key=lambda a: a.code,
    )
    months = [f"{2025 - (n_months + 11) // 12 + i // 12}M{i % 12 + 1:02d}" for i in range(n_months)]
    contents = [f"c{i:02d}" for i in range(n_contents)]

    def q(values: list[str]) -> str:
        return ",".join(f'"{v}"' for v in values)

    lines = [
        'CHARSET="ANSI";',
        'AXIS-VERSION="2013";',
        'LANGUAGE="fi";',
        'TABLEID="statfin_bench_pxt_001";',
        "DECIMALS=0;",
        'SOURCE="Tilastokeskus";',
        'TITLE="Kuukausitaulukko";',
        'STUB="Alue","Kuukausi";',
        'HEADING="Tiedot";',
        'CONTVARIABLE="Tiedot";',
        f'VALUES("Alue")={q([a.name_fi for a in munis])};',
        f'CODES("Alue")={q(["KU" + a.code for a in munis])};',
        f'VALUES("Kuukausi")={q(months)};',
        f'TIMEVAL("Kuukausi")=TLIST(M1),{q(months)};',
        f'VALUES("Tiedot")={q([f"Sisältö {c}" for c in contents])};',
        f'CODES("Tiedot")={q(contents)};',
    ]
    for c in contents:
        lines.append(f'UNITS("Sisältö {c}")="lukumäärä";')
        lines.append(f'PRECISION("Tiedot","Sisältö {c}")=0;')
    rng = np.random.default_rng(17)
    cells = rng.integers(5, 5000, size=(len(munis) * n_months, n_contents))
    data = "\n".join(" ".join(map(str, row)) for row in cells.tolist())
    path.write_bytes(("\n".join(lines) + "\nDATA=\n" + data + ";\n").encode("iso-8859-15"))
    return len(munis), cells.size


def child(path: Path, data_dir: Path) -> None:
    setup_django(data_dir, None)
    from django.core.management import call_command

    import kasvu.bank.disclosure as disclosure_module
    from kasvu.bank.areas import install_finland
    from kasvu.bank.loader import load
    from kasvu.importers import import_file

    call_command("migrate", verbosity=0)
    install_finland()
    real_refresh = disclosure_module.refresh
    disclosure_module.refresh = lambda ids: {}
    t0, c0 = time.perf_counter(), time.process_time()
    batch = import_file(path)
    read = time.perf_counter() - t0
    summary = load(batch, kind="px")
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    disclosure_module.refresh = real_refresh
    from kasvu.bank.models import Indicator

    first = Indicator.objects.order_by("key").first()
    t1 = time.perf_counter()
    real_refresh([first.id] if first else [])
    disclosure = time.perf_counter() - t1
    print(
        json.dumps(
            {
                "rows": summary.added,
                "seconds": elapsed,
                "read_seconds": read,
                "cpu_seconds": cpu,
                "disclosure_seconds": disclosure,
                "peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--contents", type=int, default=20)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), Path(args.data_dir))
        return
    with tempfile.TemporaryDirectory(prefix="kasvu-monthly-") as tmp:
        path = Path(tmp) / "monthly.px"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasvu.settings")
        t = time.perf_counter()
        n_munis, n_cells = generate(path, args.months, args.contents)
        print(
            f"generated {n_munis} municipalities × {args.months} months × {args.contents} contents = "
            f"{n_cells:,} cells ({path.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - t:.0f} s"
        )
        reference = max(machine_reference() for _ in range(3))
        print(f"machine reference: plain sqlite3 executemany into memory {reference:,.0f} rows/s")
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path), "--data-dir", str(data_dir)],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rate = r["rows"] / r["seconds"]
        print(
            f"sqlite  {r['rows']:,} observations: reading {r['read_seconds']:.1f} s, reading and storing "
            f"{r['seconds']:.1f} s (CPU {r['cpu_seconds']:.1f} s) = {rate:,.0f} obs/s "
            f"(target < 30 s: {'met' if r['seconds'] < 30 else 'NOT met'}); peak memory "
            f"{r['peak_bytes'] / 2**20:,.0f} MiB; then disclosure control {r['disclosure_seconds']:.1f} s for one "
            f"indicator ({args.months} monthly blocks); {rate / reference:.2f} x the machine reference; "
            f"load average {Path('/proc/loadavg').read_text().split()[0]}"
        )


if __name__ == "__main__":
    main()
