"""Many reports at once (``kasvu report profile --all-municipalities``).

The main process reads the bank and builds each report (plain data); worker processes draw the charts
and write the files. vl-convert's memory grows with every chart, so workers are replaced after
``max_tasks`` reports (``multiprocessing.Pool(maxtasksperchild=...)``, started with "spawn": forking a
process that has Polars' thread pool can deadlock). :class:`kasvu.charts.RenderWorker` does the same for
charts alone; a batch also needs its workers to write the PDF and DOCX files, so it runs this pool, whose
workers draw through :func:`kasvu.charts.render_svg`.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kasvu.reports import layouts
from kasvu.reports.builders import ReportNotAvailable
from kasvu.reports.document import Report


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # nothing to report (e.g. no data)


def _write(report: Report, fmts: list[str], out_dir: str, template: layouts.Template) -> list[str]:
    from kasvu.reports.formats import write

    return [str(p) for p in write(report, fmts, Path(out_dir), template)]


def run(
    jobs: Iterable[tuple[str, Callable[[], Report]]],
    total: int,
    fmts: list[str],
    out_dir: Path,
    template: layouts.Template,
    *,
    workers: int = 2,
    max_tasks: int = 25,
    progress: bool = True,
) -> BatchResult:
    """Build each job's report here and write it in a worker. ``jobs`` yields (name, build function)."""
    from tqdm import tqdm

    result = BatchResult()
    bar = tqdm(total=total, unit="report", disable=not progress, dynamic_ncols=True)
    ctx = mp.get_context("spawn")
    with ctx.Pool(processes=max(1, workers), maxtasksperchild=max(1, max_tasks)) as pool:
        pending: list[tuple[str, mp.pool.AsyncResult[list[str]]]] = []

        def drain(limit: int) -> None:
            while len(pending) > limit:
                name, res = pending.pop(0)
                try:
                    result.written.extend(Path(p) for p in res.get())
                except Exception as exc:  # noqa: BLE001 - one failed report must not stop the batch
                    result.failed.append((name, str(exc)))
                bar.update(1)

        for name, build in jobs:
            try:
                report = build()
            except ReportNotAvailable as exc:
                result.skipped.append((name, str(exc)))
                bar.update(1)
                continue
            except Exception as exc:  # noqa: BLE001
                result.failed.append((name, str(exc)))
                bar.update(1)
                continue
            pending.append((name, pool.apply_async(_write, (report, fmts, str(out_dir), template))))
            drain(2 * max(1, workers))
        drain(0)
    bar.close()
    return result
