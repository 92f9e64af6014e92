"""How fast is the area profile page? (issue 4: server time p95 < 150 ms) And a loopback load test.

1. Server time: the profile page of a municipality rendered in-process (Django's test client: URL
   routing, middleware, the profile, the template; no network), for many municipalities after one
   warm-up request. The page shows the same profile as ``benchmarks/profile_bench.py``: 100 indicators
   (``?indicator=`` repeated), 10 years, region, county and country as references, for the public.
   The page with all 500 indicators of the store is timed too.
2. Load test: ``kasvu serve`` (gunicorn, 4 workers) on 127.0.0.1, a bounded number of requests from 4
   concurrent clients over random municipalities' profile pages; throughput, error rate and latency.

    python benchmarks/web_bench.py                    # SQLite and PostgreSQL
    python benchmarks/web_bench.py --store sqlite --requests 500 --clients 4
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
TARGET_MS = 150.0
PORT = 8765


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[int(q * (len(s) - 1))]


def _codes_and_query(n_indicators: int) -> tuple[list[str], str]:
    from kasvu.bank.models import Area, Indicator

    keys = list(
        Indicator.objects.filter(key__startswith="bench:").order_by("id").values_list("key", flat=True)
    )
    codes = list(
        Area.objects.filter(kind="municipality", valid_to__isnull=True).values_list("code", flat=True)
    )
    random.Random(4).shuffle(codes)
    return codes, urlencode([("indicator", k) for k in keys[:n_indicators]])


def child(n_pages: int, n_indicators: int) -> dict[str, object]:
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    client = Client()
    codes, query = _codes_and_query(n_indicators)
    t = time.perf_counter()
    assert client.get(f"/areas/municipality/{codes[0]}/?{query}").status_code == 200
    cold = (time.perf_counter() - t) * 1000
    times, sizes = [], []
    for code in codes[1 : n_pages + 1]:
        t = time.perf_counter()
        response = client.get(f"/areas/municipality/{code}/?{query}")
        times.append((time.perf_counter() - t) * 1000)
        sizes.append(len(response.content))
        assert response.status_code == 200
    full = []
    for code in codes[1:11]:
        t = time.perf_counter()
        client.get(f"/areas/municipality/{code}/")
        full.append((time.perf_counter() - t) * 1000)
    return {"cold_ms": cold, "median_ms": statistics.median(times), "p95_ms": _pct(times, 0.95),
            "max_ms": max(times), "pages": len(times), "kb": statistics.median(sizes) / 1024,
            "full_median_ms": statistics.median(full), "full_p95_ms": _pct(full, 0.95)}  # fmt: skip


def load_test(env: dict[str, str], n_requests: int, clients: int, n_indicators: int) -> dict[str, object]:
    """Start ``kasvu serve`` with the store's environment, hit it, stop it (only the process we started)."""
    full_env = {**os.environ, **env, "KASVU_DEMO": "1"}
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "kasvu"), "serve", "--port", str(PORT), "--workers", "4"],
        env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/health", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        codes, query = _codes_from_server(env, n_indicators)
        urls = [
            f"{base}/areas/municipality/{random.Random(i).choice(codes)}/?{query}" for i in range(n_requests)
        ]
        for url in urls[:16]:  # warm every worker's caches
            urllib.request.urlopen(url, timeout=60).read()
        latencies: list[float] = []
        errors = 0
        lock = threading.Lock()
        queue = list(urls)

        def worker() -> None:
            nonlocal errors
            while True:
                with lock:
                    if not queue:
                        return
                    url = queue.pop()
                t = time.perf_counter()
                try:
                    with urllib.request.urlopen(url, timeout=60) as r:
                        r.read()
                        ok = r.status == 200
                except OSError:
                    ok = False
                with lock:
                    latencies.append((time.perf_counter() - t) * 1000)
                    errors += 0 if ok else 1

        threads = [threading.Thread(target=worker) for _ in range(clients)]
        t0 = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.perf_counter() - t0
        return {"requests": n_requests, "clients": clients, "throughput": n_requests / elapsed,
                "error_rate": errors / n_requests, "median_ms": statistics.median(latencies),
                "p95_ms": _pct(latencies, 0.95), "p99_ms": _pct(latencies, 0.99), "seconds": elapsed}  # fmt: skip
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _codes_from_server(env: dict[str, str], n_indicators: int) -> tuple[list[str], str]:
    out = subprocess.run([sys.executable, __file__, "--codes", "--indicators", str(n_indicators)],
                         env={**os.environ, **env}, check=True, capture_output=True, text=True)  # fmt: skip
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["codes"], data["query"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--codes", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.pages, args.indicators)))
        return
    if args.codes:
        sys.path.insert(0, str(ROOT / "src"))
        import django

        django.setup()
        codes, query = _codes_and_query(args.indicators)
        print(json.dumps({"codes": codes, "query": query}))
        return
    import national_store

    print(f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    for kind in ["sqlite", "postgresql"] if args.store == "both" else [args.store]:
        env = national_store.ensure(kind)
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--pages", str(args.pages), "--indicators", str(args.indicators)],
            env={**os.environ, **env}, check=True, capture_output=True, text=True,
        )  # fmt: skip
        r = json.loads(out.stdout.strip().splitlines()[-1])
        ok = "OK" if r["p95_ms"] < TARGET_MS else "OVER TARGET"
        print(
            f"\n{kind}: profile page, {args.indicators} indicators, {r['pages']} municipalities, "
            f"{r['kb']:.0f} kB of HTML\n"
            f"  cold (first request in process)       {r['cold_ms']:8.1f} ms\n"
            f"  server time median                    {r['median_ms']:8.1f} ms\n"
            f"  server time p95 (target < {TARGET_MS:.0f} ms)   {r['p95_ms']:8.1f} ms   "
            f"{r['p95_ms'] / TARGET_MS:.2f} of target  {ok}\n"
            f"  server time max                       {r['max_ms']:8.1f} ms\n"
            f"  all 500 indicators: median / p95      {r['full_median_ms']:8.1f} / {r['full_p95_ms']:.1f} ms"
        )
        lt = load_test(env, args.requests, args.clients, args.indicators)
        print(
            f"  load test: {lt['requests']} requests, {lt['clients']} clients, gunicorn 4 workers\n"
            f"    throughput {lt['throughput']:.1f} requests/s, error rate {lt['error_rate'] * 100:.2f} %, "
            f"latency median {lt['median_ms']:.1f} ms, p95 {lt['p95_ms']:.1f} ms, p99 {lt['p99_ms']:.1f} ms, "
            f"total {lt['seconds']:.1f} s"
        )


if __name__ == "__main__":
    main()
