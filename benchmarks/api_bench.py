"""Loopback load test of the REST API: `kasvu serve` (gunicorn) on 127.0.0.1, 4 concurrent clients.

    python benchmarks/api_bench.py                    # national store if built, else demo data
    python benchmarks/api_bench.py --requests 1000 --clients 4 --append   # and append to RESULTS.md

Uses the 15.8M-row national SQLite store of ``benchmarks/national_store.py`` when it exists (build it
once with ``python benchmarks/national_store.py sqlite``), else a demo store in var/api-bench. The
server gets a high anonymous rate limit for the run; requests are anonymous (the public view).
Reports throughput, error rate and latency percentiles.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
KASVU = str(Path(sys.executable).with_name("kasvu"))


def store_environment() -> tuple[dict[str, str], str]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from national_store import SQLITE_DIR, environment

    env = {**os.environ, "KASVU_RATE_LIMIT_API_ANONYMOUS": "1000000/60", "KASVU_DEMO": "1"}
    if (SQLITE_DIR / "sqlite" / "kasvu.sqlite3").exists():
        env.update(environment("sqlite"))
        env["KASVU_DEBUG"] = "0"
        return env, "national store, 15.8M observations (SQLite)"
    env.update({"KASVU_DATA_DIR": str(ROOT / "var" / "api-bench"), "KASVU_DATABASE_URL": ""})
    subprocess.run([KASVU, "migrate", "-v0"], env=env, check=True)
    subprocess.run([KASVU, "demo", "load"], env=env, check=True, capture_output=True)
    return env, "demo data (SQLite)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/v1/areas?limit=1", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not start")


def request_mix(base: str, n: int, seed: int = 1) -> list[str]:
    inds = [i["key"] for i in httpx.get(base + "/api/v1/indicators?limit=200", timeout=60).json()["items"]]
    munis = [
        a["code"]
        for a in httpx.get(base + "/api/v1/areas?kind=municipality&year=2024&limit=400").json()["items"]
    ]
    regions = [a["key"] for a in httpx.get(base + "/api/v1/areas?kind=region&limit=50").json()["items"]]
    rng = random.Random(seed)
    urls = []
    for _ in range(n):
        r = rng.random()
        ind, muni = rng.choice(inds), rng.choice(munis)
        if r < 0.55:
            urls.append(f"/api/v1/observations?indicator={ind}&area={muni}")
        elif r < 0.65:
            urls.append(f"/api/v1/observations?indicator={ind}&area={muni}&intervals=true&format=csv")
        elif r < 0.75:
            urls.append(
                f"/api/v1/observations?indicator={ind}&area={rng.choice(regions)}&include_groups=true"
            )
        elif r < 0.85:
            urls.append(f"/api/v1/observations?indicator={ind}&year_from=2020&year_to=2022&limit=500")
        elif r < 0.93:
            urls.append(f"/api/v1/areas/{muni}")
        else:
            urls.append(f"/api/v1/indicators/{ind}")
    return urls


def run(base: str, urls: list[str], clients: int) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    queue = list(enumerate(urls))

    def worker() -> None:
        nonlocal errors
        with httpx.Client(base_url=base, timeout=120) as client:
            while True:
                with lock:
                    if not queue:
                        return
                    _, url = queue.pop()
                t0 = time.perf_counter()
                try:
                    ok = client.get(url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                dt = time.perf_counter() - t0
                with lock:
                    latencies.append(dt)
                    errors += not ok

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--append", action="store_true", help="append the numbers to benchmarks/RESULTS.md")
    args = parser.parse_args()
    env, store = store_environment()
    subprocess.run([KASVU, "migrate", "-v0"], env=env, check=True)  # the API's token and rate-limit tables
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(ROOT / "var" / "api-bench.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [KASVU, "serve", "--port", str(port), "--workers", str(args.workers)], env=env, stdout=log, stderr=log
    )
    try:
        wait_ready(base)
        urls = request_mix(base, args.requests)
        run(base, urls[:20], args.clients)  # warm up every worker
        latencies, errors, seconds = run(base, urls, args.clients)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    lines = [
        f"  requests                 {len(latencies):>8}",
        f"  concurrent clients       {args.clients:>8}",
        f"  gunicorn workers         {args.workers:>8}",
        f"  throughput               {len(latencies) / seconds:>8.1f} requests/s",
        f"  error rate               {errors / len(latencies) * 100:>8.2f} %",
        f"  latency median           {statistics.median(latencies) * 1000:>8.1f} ms",
        f"  latency p95              {p(0.95):>8.1f} ms",
        f"  latency p99              {p(0.99):>8.1f} ms",
        f"  total                    {seconds:>8.1f} s",
    ]
    text = "\n".join(lines)
    print(f"API load test on {store}\n{text}")
    if args.append:
        cpus = os.cpu_count()
        section = (
            f"\n## API: loopback load test (`benchmarks/api_bench.py`)\n\n{date.today()}, {platform.machine()}, "
            f"{cpus} CPUs, Python {platform.python_version()}, {store}. `kasvu serve` (gunicorn) on 127.0.0.1, "
            f"anonymous requests (public view): 55 % observations of one indicator and municipality, 10 % "
            f"the same as CSV with intervals, 10 % a region with group values, 10 % one indicator for all "
            f"areas over three years, 15 % area and indicator metadata.\n\n```\n{text}\n```\n"
        )
        with (ROOT / "benchmarks" / "RESULTS.md").open("a", encoding="utf-8") as fh:
            fh.write(section)


if __name__ == "__main__":
    main()
