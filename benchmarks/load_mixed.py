"""Load test of the national layout on one machine (issue 19): 2 app servers + PostgreSQL primary + a
streaming replica + Redis, all on loopback, bounded in requests and time.

Each round:

1. **An import** (one changed value of a demo indicator: a new data version) with ``kasvu import``, which
   waits for the precompute job and prints its summary; timed.
2. **Two freshly started servers** (``kasvu serve --workers 2`` on two ports) reading from the replica.
3. **First profile pages**: 12 municipalities' profiles, one request each, anonymous, one after another,
   alternating servers (target p95 <= 300 ms).
4. **Anonymous profiles**: 8 concurrent clients over 40 municipalities (target >= 200 req/s, p95 <= 100 ms).
5. **Signed-in profiles** (an analyst's session; never from the page cache): 8 clients (target p95 <= 200 ms).
6. **A write visible to its writer**: an analyst's token imports a value through the API and reads it back
   at once from the other server.
7. **Mixed workload** (anonymous and signed-in profiles, indicator pages, API answers, CSV downloads) with
   8 clients; half-way through the replica is killed (``scripts/replica.sh kill``): errors must stay 0.
   The replica is started again for the next round.

Every figure is printed beside the machine's reference (plain sqlite3 ``executemany`` rows/s, as in
``benchmarks/import_bench.py``): the machine is shared and its speed changes by hour. So is the CPU time
per request of the app servers (gunicorn and its workers' threads, from ``/proc``) and of PostgreSQL, which
a busy machine inflates far less than wall times, with the requests per second it allows on 2 cores.
Clients ask for gzip and keep their connection open, as browsers do. Use ``--rounds 3`` and report
medians; the last lines say which of issue 19's targets are met.

    python benchmarks/load_mixed.py                        # set up once under /tmp/kasvu-load, 3 rounds
    python benchmarks/load_mixed.py --rounds 1 --anonymous 1000

The clusters (ports 8194/8195), the servers (8181/8182) and Redis database 6 are this benchmark's own.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
KASVU = str(ROOT / ".venv" / "bin" / "kasvu")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
REPLICA_SH = str(ROOT / "scripts" / "replica.sh")
INDICATOR = "demo:child-welfare-notifications"


TICK = os.sysconf("SC_CLK_TCK")
CORES = 2  # the targets are for the 2-core machine


def _stat(pid: str) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the state on (field 3)


def cpu_seconds(groups: list[int], parents: list[int]) -> float:
    """CPU time (user + system) of every process in these process groups and of these processes and
    their children (a PostgreSQL postmaster and its backends), including finished children's."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        f = _stat(pid)
        if f is None:
            continue
        ppid, pgid = int(f[1]), int(f[2])
        if pgid in groups or int(pid) in parents or ppid in parents:
            total += int(f[11]) + int(f[12])  # utime, stime
            if int(pid) in parents or pgid == int(pid):
                total += int(f[13]) + int(f[14])  # cutime, cstime of the reaped children
    return total / TICK


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


class Setup:
    def __init__(self, args: argparse.Namespace) -> None:
        self.dir = Path(args.dir)
        self.primary, self.replica = self.dir / "primary", self.dir / "replica"
        self.p_port, self.r_port = args.primary_port, args.replica_port
        self.ports = args.ports
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("KASVU_")},
            "KASVU_DEMO": "1",
            "KASVU_DATA_DIR": str(self.dir / "data"),
            "KASVU_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{self.p_port}/kasvu",
            "KASVU_DATABASE_REPLICA_URLS": f"postgresql://postgres@127.0.0.1:{self.r_port}/kasvu",
            "KASVU_REDIS_URL": args.redis_url,
            "KASVU_CACHE_PREFIX": "kasvu-load",
            "KASVU_RATE_LIMIT_API_ANONYMOUS": "1000000/60",
            "KASVU_RATE_LIMIT_API_TOKEN": "1000000/60",
            "KASVU_RATE_LIMIT_API_TOKEN_ATTEMPTS": "1000000/60",
        }

    def postmasters(self) -> list[int]:
        pids = []
        for cluster in (self.primary, self.replica):
            with contextlib.suppress(OSError, ValueError, IndexError):  # a killed replica has none
                pids.append(int((cluster / "postmaster.pid").read_text().split()[0]))
        return pids

    def sh(self, *cmd: str, check: bool = True) -> str:
        out = subprocess.run(cmd, env=self.env, capture_output=True, text=True)
        if check and out.returncode:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stdout}\n{out.stderr}")
        return out.stdout

    def django(self, code: str) -> str:
        return self.sh(PYTHON, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
                       "'kasvu.settings'); django.setup()\n" + code).strip()  # fmt: skip

    def clusters(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.dir.chmod(0o755)
        if not self.primary.exists():
            self.sh(REPLICA_SH, "primary", str(self.primary), str(self.p_port))
            self.sh(
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.p_port),
                "-U",
                "postgres",
                "-qc",
                "CREATE DATABASE kasvu",
            )
        else:
            self.sh(REPLICA_SH, "up", str(self.primary), str(self.p_port), check=False)
        self.replica_up()
        loaded = self.django("from kasvu.bank.models import ImportRun; print(ImportRun.objects.count())") if (
            self.dir / "loaded").exists() else "0"  # fmt: skip
        self.sh(KASVU, "migrate", "--no-input", "-v0")  # the code may be newer than the database
        if loaded == "0":
            print("setting up: load the demo (once) ...", flush=True)
            self.sh(KASVU, "demo", "load")
            (self.dir / "loaded").write_text("yes\n")

    def replica_up(self) -> None:
        if not self.replica.exists():
            self.sh(REPLICA_SH, "start", str(self.p_port), str(self.replica), str(self.r_port))
        else:
            self.sh(REPLICA_SH, "up", str(self.replica), str(self.r_port), check=False)
        for _ in range(100):
            if self.sh(REPLICA_SH, "lag", str(self.r_port), check=False).strip() == "0":
                return
            time.sleep(0.2)

    def import_one_value(self, languages: list[str]) -> tuple[float, str]:
        """A new value of one demo indicator for Espoo: a new import run, so a new data version.

        With ``languages`` other than all three, the import's own job is off and ``kasvu precompute``
        runs for those languages right after it (on a busy shared machine a full job takes minutes)."""
        value = random.Random(time.time_ns()).randint(100, 900)
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
            f.write("indicator,area_code,year,sex,value,numerator,denominator\n")
            f.write(f"{INDICATOR},049,2024,total,{value / 10:.1f},{value},10000\n")
        t = time.perf_counter()
        if sorted(languages) == ["en", "fi", "sv"]:
            out = self.sh(KASVU, "import", "table", f.name)
        else:
            self.env["KASVU_PRECOMPUTE"] = "0"
            self.sh(KASVU, "import", "table", f.name)
            del self.env["KASVU_PRECOMPUTE"]
            out = self.sh(KASVU, "precompute", *[a for lang in languages for a in ("--language", lang)])
        os.unlink(f.name)
        return time.perf_counter() - t, out.strip().splitlines()[-1]


class Servers:
    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> list[str]:
        for port in self.setup.ports:
            self.procs.append(subprocess.Popen(
                # The round's import has computed ahead what is asked for: no background job of the server's.
                [KASVU, "serve", "--port", str(port), "--workers", "2"], env={**self.setup.env, "KASVU_PRECOMPUTE": "0"},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            ))  # fmt: skip
        self.groups = [proc.pid for proc in self.procs]  # each server is a session (process group) of its own
        bases = [f"http://127.0.0.1:{p}" for p in self.setup.ports]
        for base in bases:
            for _ in range(240):
                try:
                    urllib.request.urlopen(base + "/health", timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.25)
        # Started means every worker has warmed up: one answering /health does not say the others have.
        before = cpu_seconds(self.groups, [])
        for _ in range(120):
            time.sleep(0.5)
            now = cpu_seconds(self.groups, [])
            if now - before < 0.02:
                break
            before = now
        return bases

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs:  # only the servers this benchmark started
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            proc.wait(timeout=30)


class Result:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0
        self.reads: dict[str, int] = {}
        self.cache: dict[str, int] = {}
        self.seconds = 0.0
        self.app_cpu = self.db_cpu = 0.0  # seconds of CPU of the app servers and of PostgreSQL
        self.lock = threading.Lock()

    def add(self, ms: float, ok: bool, read: str, cache: str) -> None:
        with self.lock:
            self.latencies.append(ms)
            self.errors += 0 if ok else 1
            self.reads[read] = self.reads.get(read, 0) + 1
            self.cache[cache] = self.cache.get(cache, 0) + 1

    def cpu_ms(self) -> tuple[float, float]:
        """CPU ms per request of the app servers (WSGI server included) and of PostgreSQL."""
        n = max(len(self.latencies), 1)
        return self.app_cpu * 1000 / n, self.db_cpu * 1000 / n

    def line(self, reference: float) -> str:
        n = len(self.latencies)
        rate = n / self.seconds if self.seconds else 0.0
        app, db = self.cpu_ms()
        capacity = CORES * 1000 / (app + db) if app + db else 0.0
        return (f"{n} requests, {rate:.0f} req/s ({rate / reference * 1e6:.0f} per million reference rows/s), "
                f"median {statistics.median(self.latencies):.1f} ms, p95 {pct(self.latencies, 0.95):.1f} ms, "
                f"errors {self.errors}, read from {self.reads}, page cache {self.cache}; "
                f"CPU per request: app {app:.1f} ms + PostgreSQL {db:.1f} ms = {(app + db) * reference / 1000:,.0f} "
                f"reference rows' time (at most {capacity:.0f} req/s on {CORES} cores)")  # fmt: skip


_CONNECTIONS = threading.local()
#: Clients keep their connection open between requests, as browsers and proxies do (``--no-keep-alive``: not).
KEEP_ALIVE = [True]


def _connection(netloc: str, fresh: bool = False) -> http.client.HTTPConnection:
    pool = _CONNECTIONS.__dict__.setdefault("pool", {})
    if fresh or netloc not in pool or not KEEP_ALIVE[0]:
        if netloc in pool:
            pool[netloc].close()
        pool[netloc] = http.client.HTTPConnection(netloc, timeout=60)
    return pool[netloc]


def fetch(url: str, headers: dict[str, str], result: Result) -> None:
    t = time.perf_counter()
    read = cache = "-"
    parts = urllib.parse.urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    asked = {"Accept-Encoding": "gzip", **headers}  # as every browser asks
    if not KEEP_ALIVE[0]:
        asked["Connection"] = "close"
    ok = False
    for attempt in range(2):  # a kept connection the server has closed meanwhile: once more, on a new one
        try:
            conn = _connection(parts.netloc, fresh=attempt > 0)
            conn.request("GET", target, headers=asked)
            r = conn.getresponse()
            r.read()
            ok = r.status == 200
            read, cache = r.headers.get("X-Kasvu-Read", "-"), r.headers.get("X-Kasvu-Cache", "-")
            if r.will_close or not KEEP_ALIVE[0]:
                conn.close()
            break
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if attempt:
                break
        except OSError:
            break
    result.add((time.perf_counter() - t) * 1000, ok, read, cache)


def run_load(jobs: list[tuple[str, dict[str, str]]], clients: int, meter, midway=None) -> Result:
    """The jobs by ``clients`` concurrent clients; ``meter()`` gives (app, PostgreSQL) CPU seconds so far."""
    result = Result()
    queue = list(reversed(jobs))
    lock = threading.Lock()
    half = len(jobs) // 2
    fired = threading.Event()

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                url, headers = queue.pop()
                left = len(queue)
            if midway is not None and left <= half and not fired.is_set():
                fired.set()
                threading.Thread(target=midway).start()
            fetch(url, headers, result)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    app0, db0 = meter()
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    result.seconds = time.perf_counter() - t0
    app1, db1 = meter()
    result.app_cpu, result.db_cpu = app1 - app0, db1 - db0
    return result


def round_(setup: Setup, args: argparse.Namespace, reference: float, codes: list[str], session: str,
           token: str) -> dict[str, float]:  # fmt: skip
    out: dict[str, float] = {}
    seconds, summary = setup.import_one_value(args.languages)
    print(f"  import + precompute: {seconds:.1f} s ({summary})", flush=True)
    out["import_s"] = seconds
    servers = Servers(setup)
    with servers as bases:

        def meter() -> tuple[float, float]:
            return cpu_seconds(servers.groups, []), cpu_seconds([], setup.postmasters())

        first = run_load([(f"{bases[i % 2]}/areas/municipality/{code}/", {}) for i, code in enumerate(codes[:12])],
                         1, meter)  # fmt: skip
        print(f"  first profile pages, fresh servers, 12 municipalities: p95 {pct(first.latencies, 0.95):.1f} ms "
              f"(max {max(first.latencies):.1f}), {first.line(reference)}", flush=True)  # fmt: skip
        out["first_p95"], out["first_cpu_ms"] = pct(first.latencies, 0.95), sum(first.cpu_ms())
        rnd = random.Random(19)
        anon = [
            (f"{bases[i % 2]}/areas/municipality/{rnd.choice(codes)}/", {}) for i in range(args.anonymous)
        ]
        a = run_load(anon, args.clients, meter)
        print(f"  anonymous profiles, {args.clients} clients: {a.line(reference)}", flush=True)
        out["anon_rps"], out["anon_p95"], out["anon_errors"] = (
            len(a.latencies) / a.seconds,
            pct(a.latencies, 0.95),
            a.errors,
        )
        out["anon_cpu_ms"] = sum(a.cpu_ms())
        cookie = {"Cookie": f"sessionid={session}"}
        signed = [
            (f"{bases[i % 2]}/areas/municipality/{rnd.choice(codes)}/", cookie) for i in range(args.signed_in)
        ]
        s = run_load(signed, args.clients, meter)
        print(f"  signed-in profiles, {args.clients} clients: {s.line(reference)}", flush=True)
        out["signed_p95"], out["signed_errors"] = pct(s.latencies, 0.95), s.errors
        out["signed_cpu_ms"] = sum(s.cpu_ms())
        out["write_visible"] = float(write_then_read(bases, token))
        mixed = mixed_jobs(bases, codes, cookie, args.mixed, rnd)
        m = run_load(
            mixed, args.clients, meter, midway=lambda: setup.sh(REPLICA_SH, "kill", str(setup.replica))
        )
        print(f"  mixed workload, replica killed half-way: {m.line(reference)}", flush=True)
        out["mixed_errors"], out["mixed_replica_reads"] = m.errors, m.reads.get("replica", 0)
        out["mixed_rps"], out["mixed_p95"] = len(m.latencies) / m.seconds, pct(m.latencies, 0.95)
        out["mixed_cpu_ms"] = sum(m.cpu_ms())
    setup.replica_up()
    return out


def mixed_jobs(bases: list[str], codes: list[str], cookie: dict[str, str], n: int,
               rnd: random.Random) -> list[tuple[str, dict[str, str]]]:  # fmt: skip
    jobs = []
    for i in range(n):
        base, code, r = bases[i % 2], rnd.choice(codes), rnd.random()
        if r < 0.40:
            jobs.append((f"{base}/areas/municipality/{code}/", {}))
        elif r < 0.55:
            jobs.append((f"{base}/areas/municipality/{code}/", cookie))
        elif r < 0.70:
            jobs.append((f"{base}/indicators/{INDICATOR}/?area=municipality:{code}", {}))
        elif r < 0.90:
            jobs.append((f"{base}/api/v1/observations?indicator={INDICATOR}&area={code}&intervals=true", {}))
        else:
            jobs.append((f"{base}/indicators/{INDICATOR}/data.csv?area=municipality:{code}", {}))
    return jobs


def write_then_read(bases: list[str], token: str) -> bool:
    """An analyst's token imports a value through one server and reads it back at once from the other."""
    import uuid

    value = random.Random(time.time_ns()).randint(100, 900)
    boundary = uuid.uuid4().hex
    csv = f"indicator,area_code,year,sex,value,numerator,denominator\n{INDICATOR},092,2024,total,{value / 10:.1f},{value},10000\n"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ntable\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"w.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n").encode()  # fmt: skip
    auth = {"Authorization": f"Bearer {token}"}
    request = urllib.request.Request(f"{bases[0]}/api/v1/imports", data=body, method="POST",
                                     headers={**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=120) as r:
        assert r.status == 201
    url = f"{bases[1]}/api/v1/observations?indicator={INDICATOR}&area=092&year_from=2024&year_to=2024"
    with urllib.request.urlopen(urllib.request.Request(url, headers=auth), timeout=60) as r:
        rows = json.loads(r.read())["items"]
        read = r.headers.get("X-Kasvu-Read")
    seen = [row["value"] for row in rows if row.get("year") == 2024]
    ok = seen == [value / 10]
    print(
        f"  write visible to its writer at once: {'yes' if ok else 'NO'} (wrote {value / 10}, read {seen} from {read})"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dir", default="/tmp/kasvu-load")
    parser.add_argument("--primary-port", type=int, default=8194)
    parser.add_argument("--replica-port", type=int, default=8195)
    parser.add_argument("--ports", type=int, nargs=2, default=[8181, 8182])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--setup-only", action="store_true", help="set up (clusters, demo) and stop")
    parser.add_argument(
        "--languages",
        nargs="+",
        default=["fi"],
        choices=["fi", "sv", "en"],
        help="languages precomputed after each round's import (the pages asked for are Finnish; "
        "fi also computes the internal view signed-in users get)",
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--anonymous", type=int, default=2000, help="anonymous profile requests per round")
    parser.add_argument("--signed-in", type=int, default=400, help="signed-in profile requests per round")
    parser.add_argument("--mixed", type=int, default=600, help="mixed requests per round")
    args = parser.parse_args()

    from import_bench import machine_reference

    started = time.perf_counter()
    setup = Setup(args)
    setup.clusters()
    if args.setup_only:
        return
    codes = json.loads(setup.django(
        "import json; from kasvu.bank.models import Area\n"
        "print(json.dumps(sorted(Area.objects.filter(kind='municipality', valid_to__isnull=True, "
        "group_links__group__kind='region', group_links__group__code='01').values_list('code', flat=True))))"
    ))  # fmt: skip
    session, token = setup.django(
        "from django.contrib.auth import get_user_model; from django.contrib.sessions.backends.db import SessionStore\n"
        "from kasvu.accounts.models import Profile, Role; from kasvu.api.tokens import create_token\n"
        "user, _ = get_user_model().objects.get_or_create(username='load-analyst')\n"
        "Profile.objects.get_or_create(user=user, defaults={'role': Role.ANALYST})\n"
        "s = SessionStore(); s['_auth_user_id'] = str(user.pk); s['_auth_user_backend'] = "
        "'django.contrib.auth.backends.ModelBackend'; s['_auth_user_hash'] = user.get_session_auth_hash(); s.create()\n"
        "print(s.session_key, create_token(user, f'load-{s.session_key[:8]}')[1])"
    ).split()  # fmt: skip
    print(f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}; {len(codes)} municipalities of Uusimaa")  # fmt: skip
    rounds = []
    for n in range(args.rounds):
        reference = max(machine_reference() for _ in range(3))
        print(
            f"round {n + 1}: machine reference {reference:,.0f} rows/s (plain sqlite3 executemany)",
            flush=True,
        )
        rounds.append({**round_(setup, args, reference, codes, session, token), "reference": reference})
    print("\nmedians over", len(rounds), "rounds:")
    med = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    for key, value in med.items():
        print(f"  {key:22s} {value:12.1f}")
    print(json.dumps(rounds))
    print(
        f"\nissue 19's targets (medians of {len(rounds)} rounds, load average now {os.getloadavg()[0]:.1f}):"
    )
    for text, met in verdicts(med):
        print(f"  {'met    ' if met else 'NOT met'}  {text}")
    print(f"(benchmark total {time.perf_counter() - started:.0f} s)")


def verdicts(med: dict[str, float]) -> list[tuple[str, bool]]:
    """Each of issue 19's targets with the measured median, and whether it is met."""
    return [
        (f"first profile page after an import, fresh servers: p95 {med['first_p95']:.0f} ms <= 300 ms",
         med["first_p95"] <= 300),
        (f"anonymous profiles, 8 clients: {med['anon_rps']:.0f} req/s >= 200", med["anon_rps"] >= 200),
        (f"anonymous profiles, 8 clients: p95 {med['anon_p95']:.0f} ms <= 100 ms", med["anon_p95"] <= 100),
        (f"signed-in profiles (uncached): p95 {med['signed_p95']:.0f} ms <= 200 ms", med["signed_p95"] <= 200),
        (f"replica: {med['mixed_replica_reads']:.0f} reads served by it under load, errors "
         f"{med['mixed_errors'] + med['anon_errors'] + med['signed_errors']:.0f} (killed half-way)",
         med["mixed_replica_reads"] > 0 and med["mixed_errors"] + med["anon_errors"] + med["signed_errors"] == 0),
        ("a write is visible to its writer at once", med["write_visible"] == 1.0),
    ]  # fmt: skip


if __name__ == "__main__":
    main()
