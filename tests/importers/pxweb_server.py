"""A local PxWeb server for the tests, on 127.0.0.1:8141–8149 (the ports of this work).

Its answers are built from the PxWebApi 2 specification (PxTools/PxWebApi: swagger_v2.json and the
ExpectedJson/ test files GetApiConfiguration.json and MetadataById_tab004_js2.json): ``GET /api/v2/config``,
``GET /api/v2/tables/{id}/metadata`` (JSON-stat 2 without values) and ``GET /api/v2/tables/{id}/data``
with ``valueCodes[VAR]=a,b`` and ``outputFormat=json-stat2``; and from PxWeb API version 1 (``GET`` on
the table URL for the variables, ``POST`` of a query for JSON-stat 2). The table is shaped like
Statistics Finland's 11re (population by area, year and sex; codes KU049, SSS, contents vaerak-vaesto), its
values computed from the codes, and ``revise`` changes some of them as a publisher's revision does.

The server records every request, can answer 429 a given number of times first, and refuses a query
of more than ``max_cells`` cells with 403 as real servers do.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import product
from urllib.parse import parse_qs, unquote, urlparse

AREAS = {"SSS": "KOKO MAA", "KU049": "Espoo", "KU091": "Helsinki", "KU092": "Vantaa", "KU853": "Turku"}
YEARS = [str(y) for y in range(2019, 2026)]
SEXES = {"SSS": "Yhteensä", "1": "Miehet", "2": "Naiset"}
CONTENTS = {"vaerak-vaesto": ("Väestö 31.12.", "lukumäärä", 0)}
TABLE = "statfin_vaerak_pxt_11re"


def dimensions() -> dict[str, dict[str, str]]:
    return {
        "Alue": AREAS,
        "Vuosi": {y: y for y in YEARS},
        "Sukupuoli": SEXES,
        "Tiedot": {c: v[0] for c, v in CONTENTS.items()},
    }


def value(codes: dict[str, str], revised: dict[tuple[str, str, str], float]) -> float:
    key = (codes["Alue"], codes["Vuosi"], codes["Sukupuoli"])
    if key in revised:
        return revised[key]
    base = {"SSS": 5_600_000, "KU049": 300_000, "KU091": 650_000, "KU092": 240_000, "KU853": 200_000}
    share = {"SSS": 1.0, "1": 0.49, "2": 0.51}
    return float(
        round((base[codes["Alue"]] + 1000 * (int(codes["Vuosi"]) - 2019)) * share[codes["Sukupuoli"]])
    )


def jsonstat(selection: dict[str, list[str]], revised: dict, *, with_values: bool = True) -> dict:
    dims = dimensions()
    ids = list(dims)
    doc: dict = {
        "version": "2.0",
        "class": "dataset",
        "label": "Väestö 31.12. muuttujina Alue, Vuosi, Sukupuoli ja Tiedot",
        "source": "Tilastokeskus, väestörakenne",
        "updated": "2026-04-01T05:00:00Z",
        "role": {"geo": ["Alue"], "time": ["Vuosi"], "metric": ["Tiedot"]},
        "id": ids,
        "size": [len(selection[d]) for d in ids],
        "dimension": {},
        "extension": {"px": {"tableid": "11re", "decimals": 0, "language": "fi"}},
    }
    for d in ids:
        category: dict = {
            "index": {c: i for i, c in enumerate(selection[d])},
            "label": {c: dims[d][c] for c in selection[d]},
        }
        if d == "Tiedot":
            category["unit"] = {c: {"base": CONTENTS[c][1], "decimals": CONTENTS[c][2]} for c in selection[d]}
        extension = {"elimination": d == "Sukupuoli", "show": "value", "codeLists": []}
        if d == "Sukupuoli":
            extension["eliminationValueCode"] = "SSS"
        doc["dimension"][d] = {"label": d, "category": category, "extension": extension}
    if with_values:
        doc["value"] = [
            value(dict(zip(ids, combo, strict=True)), revised)
            for combo in product(*(selection[d] for d in ids))
        ]
    return doc


@dataclass
class PxWebServer:
    port: int
    max_cells: int = 40
    calls_per_window: int = 30
    time_window: int = 10
    busy_answers: int = 0  # answer 429 this many times first
    revised: dict[tuple[str, str, str], float] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)

    @property
    def v2(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v2/tables/{TABLE}"

    @property
    def v1(self) -> str:
        return f"http://127.0.0.1:{self.port}/PxWeb/api/v1/fi/StatFin/vaerak/{TABLE}.px"

    def revise(self, area: str, year: str, sex: str, new: float) -> None:
        self.revised[(area, year, sex)] = new

    def answer(self, method: str, url: str, body: bytes) -> tuple[int, dict]:
        self.requests.append((method, url))
        if self.busy_answers > 0:
            self.busy_answers -= 1
            return 429, {"title": "Too many requests"}
        parsed = urlparse(url)
        path, query = parsed.path, parse_qs(parsed.query)
        full = {d: list(v) for d, v in dimensions().items()}
        if path == "/api/v2/config":
            return 200, {
                "apiVersion": "2.0",
                "languages": [{"id": "fi", "label": "Suomi"}],
                "defaultLanguage": "fi",
                "maxDataCells": self.max_cells,
                "maxCallsPerTimeWindow": self.calls_per_window,
                "timeWindow": self.time_window,
            }
        if path == f"/api/v2/tables/{TABLE}/metadata":
            return 200, jsonstat(full, self.revised, with_values=False)
        if path == f"/api/v2/tables/{TABLE}/data":
            selection = {}
            for d, codes in full.items():
                given = query.get(f"valueCodes[{d}]")
                selection[d] = unquote(given[0]).split(",") if given else codes
            return self._data(selection)
        if path == urlparse(self.v1).path and method == "GET":
            return 200, {
                "title": "Väestö 31.12.",
                "variables": [
                    {
                        "code": d,
                        "text": d,
                        "values": list(v),
                        "valueTexts": list(v.values()),
                        "time": d == "Vuosi",
                    }
                    for d, v in dimensions().items()
                ],
            }
        if path == urlparse(self.v1).path and method == "POST":
            request = json.loads(body)
            selection = dict(full)
            for item in request["query"]:
                selection[item["code"]] = item["selection"]["values"]
            return self._data(selection)
        return 404, {"title": "Not found"}

    def _data(self, selection: dict[str, list[str]]) -> tuple[int, dict]:
        unknown = [c for d, codes in selection.items() for c in codes if c not in dimensions()[d]]
        if unknown:
            return 400, {"title": f"unknown value {unknown[0]}"}
        if math.prod(len(v) for v in selection.values()) > self.max_cells:
            return 403, {"title": "Too many cells selected"}
        return 200, jsonstat(selection, self.revised)


def serve(port: int = 8141, **options: object) -> Iterator[PxWebServer]:
    """Run a :class:`PxWebServer` in a thread for the duration of a test (a pytest fixture body)."""
    state = PxWebServer(port=port, **options)  # type: ignore[arg-type]

    class Handler(BaseHTTPRequestHandler):
        def _reply(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            status, doc = state.answer(method, self.path, self.rfile.read(length) if length else b"")
            payload = json.dumps(doc, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._reply("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._reply("POST")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
