"""A client of the PxWeb API (version 2, and version 1 for servers that still run it).

Statistics Finland (pxdata.stat.fi), Statistics Sweden and Norway publish their
tables through PxWeb. kasvu asks for JSON-stat 2 and reads the answer like a
JSON-stat file: by convention, or with a mapping (:mod:`kasvu.importers.convention`).

- **Version 2** (``…/api/v2/tables/{id}``): ``GET /config`` gives the server's
  cell limit and rate limit; ``GET /tables/{id}/metadata`` the variables and
  their values; ``GET /tables/{id}/data?outputFormat=json-stat2&valueCodes[VAR]=…``
  the data.
- **Version 1** (``…/api/v1/{lang}/{database}/…/{table}.px``): ``GET`` on the table
  URL gives the variables, ``POST`` with a query the data.

A query larger than the server's cell limit (``maxDataCells``) is split along
the area or time variable into requests that fit, and the answers are joined
into one table before reading, so paging never changes the result. Requests
keep to the server's rate limit (``maxCallsPerTimeWindow`` per ``timeWindow``
seconds), are retried with backoff on 429 and 5xx, and are cached by URL and
body like the Sotkanet client's.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Unpack

import httpx

from kasvu.importers.base import ImportFailed, ParsedBatch
from kasvu.importers.cube import Cube, Dimension
from kasvu.importers.http import ClientOptions, PoliteClient
from kasvu.importers.jsonstat import jsonstat_to_batch, read_jsonstat

USER_AGENT = "kasvu/0.1 (indicator bank of a Finnish regional social-welfare development unit)"
#: Used when a server does not say (Statistics Finland's v1 limits).
DEFAULT_MAX_CELLS = 100_000
DEFAULT_CALLS, DEFAULT_WINDOW = 10, 10.0


class PxWebUnavailable(ImportFailed):
    """The PxWeb server did not answer usefully after all retries."""


@dataclass(frozen=True)
class TableUrl:
    """Where a table is: its API version, the API's base URL, the table id and the language."""

    version: int
    base: str  # v2: https://host/api/v2 ; v1: the table URL itself
    table: str
    language: str

    @classmethod
    def parse(cls, url: str, language: str | None = None) -> TableUrl:
        parsed = httpx.URL(url)
        path = parsed.path.rstrip("/")
        if "/tables/" in path:
            head, _, rest = path.partition("/tables/")
            table = rest.split("/")[0]
            lang = language or parsed.params.get("lang") or "fi"
            return cls(2, str(parsed.copy_with(path=head, query=None)), table, lang)
        if path.lower().endswith(".px") and "/v1/" in path:
            parts = path.split("/")
            lang = language or parts[parts.index("v1") + 1]
            return cls(1, str(parsed.copy_with(query=None)), parts[-1][:-3], lang)
        raise ImportFailed(
            "not a PxWeb table URL. Give a version 2 URL (…/api/v2/tables/TABLE-ID) or a version 1 URL "
            "(…/api/v1/fi/StatFin/…/TABLE.px), as the table's 'API' link on the statistics site shows.",
            file=url,
        )


class PxWebClient(PoliteClient):
    """A polite PxWeb client (:class:`~kasvu.importers.http.PoliteClient`): rate limit, retries with
    backoff, and a cache of responses keyed by method, URL and body."""

    def __init__(self, *, max_cells: int | None = None, **options: Unpack[ClientOptions]) -> None:
        options.setdefault("min_interval", DEFAULT_WINDOW / DEFAULT_CALLS)  # until the server's /config says
        super().__init__(user_agent=USER_AGENT, **options)
        self.max_cells = max_cells  # None: what the server's /config says (v1: DEFAULT_MAX_CELLS)

    # -- the table

    def fetch(self, url: str, query: Mapping[str, Any] | None = None, *, language: str | None = None) -> Cube:
        """The table at ``url`` (as much of it as ``query`` selects) as one cube."""
        where = TableUrl.parse(url, language)
        max_cells = self._configure(where)
        variables = self._variables(where)
        selection = select(variables, query or {}, file=url)
        cubes = [self._data(where, part) for part in split(selection, max_cells, variables)]
        cube = join(cubes, variables, selection, file=url)
        return cube

    def fetch_batch(
        self, url: str, query: Mapping[str, Any] | None = None, *, mapping: Mapping[str, Any] | None = None
    ) -> ParsedBatch:
        """The table read by convention (or ``mapping``), ready for the store."""
        from kasvu.importers.convention import infer_mapping

        cube = self.fetch(url, query)
        batch = jsonstat_to_batch(cube, mapping if mapping is not None else infer_mapping(cube))
        batch.source_url = url
        batch.retrieved_at = datetime.now(UTC)
        return batch

    # -- the steps

    def _configure(self, where: TableUrl) -> int:
        """The server's cell limit; sets the pause between requests from its rate limit."""
        if where.version == 1:  # version 1 has no /config: Statistics Finland's published limits
            self.min_interval = DEFAULT_WINDOW / DEFAULT_CALLS
            return self.max_cells or DEFAULT_MAX_CELLS
        config = self.request("GET", f"{where.base}/config")
        calls = int(config.get("maxCallsPerTimeWindow") or DEFAULT_CALLS)
        window = float(config.get("timeWindow") or DEFAULT_WINDOW)
        self.min_interval = window / max(calls, 1)
        return self.max_cells or int(config.get("maxDataCells") or DEFAULT_MAX_CELLS)

    def metadata(self, url: str, *, language: str | None = None) -> Cube:
        """The table's description without its data (no values): enough for ``kasvu inspect``.

        Version 2 only; a version 1 table is described by its data (:meth:`fetch`).
        """
        where = TableUrl.parse(url, language)
        if where.version == 1:
            return self.fetch(url, language=language)
        self._configure(where)
        return self._description(where)

    def _description(self, where: TableUrl) -> Cube:
        url = f"{where.base}/tables/{where.table}/metadata"
        doc = dict(self.request("GET", url, params={"lang": where.language}))
        doc.setdefault("class", "dataset")
        doc["value"] = {}  # metadata only: a dataset with no values
        return read_jsonstat(doc, file=url)

    def _variables(self, where: TableUrl) -> list[Dimension]:
        """The table's variables and all their values, in the table's order."""
        if where.version == 2:
            return self._description(where).dimensions
        meta = self.request("GET", where.base)
        out = []
        for var in meta.get("variables", []):
            codes = [str(c) for c in var.get("values", [])]
            labels = [str(t) for t in var.get("valueTexts", codes)]
            role = "time" if var.get("time") else None
            out.append(
                Dimension(
                    str(var["code"]),
                    {where.language: str(var.get("text", var["code"]))},
                    codes,
                    {where.language: labels},
                    None,
                    role,
                )
            )
        return out

    def _data(self, where: TableUrl, selection: Mapping[str, list[str]]) -> Cube:
        if where.version == 2:
            params = {"lang": where.language, "outputFormat": "json-stat2"}
            params.update({f"valueCodes[{var}]": ",".join(codes) for var, codes in selection.items()})
            url = f"{where.base}/tables/{where.table}/data"
            return read_jsonstat(self.request("GET", url, params=params), file=url)
        body = {
            "query": [
                {"code": var, "selection": {"filter": "item", "values": codes}}
                for var, codes in selection.items()
            ],
            "response": {"format": "json-stat2"},
        }
        return read_jsonstat(self.request("POST", where.base, body=body), file=where.base)

    # -- transport

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Any:
        """The decoded JSON answer, from the cache when possible."""
        full = str(httpx.URL(url, params=dict(params or {})))
        payload = json.dumps(body, sort_keys=True) if body is not None else ""
        key = f"{method} {full} {payload}"
        return self.cached_json(method, full, cache_key=key, body=payload, extra={"body": body})

    def client_error(self, response: httpx.Response) -> str:
        return _client_error(response)

    def unavailable(self, url: str, last: str) -> ImportFailed:
        return PxWebUnavailable(
            f"the PxWeb server did not answer after {self.attempts} attempts (last: {last}). It may be down or "
            "busy: try again later, or save the table as PX or JSON-stat from the statistics site and import "
            "the file.",
            file=url,
        )


def _client_error(response: httpx.Response) -> str:
    status = response.status_code
    if status == 404:
        return "no such table (HTTP 404). Check the table id in the URL on the statistics site."
    if status == 403:
        return (
            "the server refused the query (HTTP 403), usually because it selects more cells than allowed. "
            "Select fewer values in --query."
        )
    return (
        f"the server rejected the query (HTTP {status}): {response.text[:200]}. Check the codes in --query."
    )


# --------------------------------------------------------------------------- queries (pure)


def load_query(path: Path) -> dict[str, Any]:
    """A query file: YAML or JSON mapping each variable to its codes (or ``"*"``, ``"top(N)"``)."""
    import yaml

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ImportFailed(f"cannot read the query: {exc}", file=str(path)) from exc
    if not isinstance(doc, Mapping):
        raise ImportFailed(
            "the query must map variables to codes, e.g. 'Alue: [KU049, KU091]' and 'Vuosi: top(5)'.",
            file=str(path),
        )
    return dict(doc)


def select(variables: Sequence[Dimension], query: Mapping[str, Any], *, file: str) -> dict[str, list[str]]:
    """``query`` (variable → codes, ``"*"``, or ``"top(N)"``) → the codes of every variable.

    A variable the query leaves out is taken whole. Codes are checked against
    the table's, so a typo is reported before any data request.
    """
    by_name = {}
    for dim in variables:
        for name in [dim.id, *dim.names.values()]:
            by_name[name] = dim
    unknown = [name for name in query if name not in by_name]
    if unknown:
        raise ImportFailed(
            f"the query names {unknown[0]!r}, which is not a variable of the table "
            f"({', '.join(d.id for d in variables)}).",
            file=file,
            field="query",
        )
    chosen: dict[str, list[str]] = {}
    for dim in variables:
        wanted = next((query[n] for n in [dim.id, *dim.names.values()] if n in query), "*")
        chosen[dim.id] = _codes(dim, wanted, file)
    return chosen


def _codes(dim: Dimension, wanted: Any, file: str) -> list[str]:
    if wanted == "*" or wanted is None:
        return list(dim.codes)
    if isinstance(wanted, str) and wanted.startswith("top(") and wanted.endswith(")"):
        return list(dim.codes[-int(wanted[4:-1]) :])
    if isinstance(wanted, str | int):
        wanted = [wanted]
    return dim.codes_of(list(wanted), file=file, field=f"query.{dim.id}")


def split(
    selection: Mapping[str, list[str]], max_cells: int, variables: Sequence[Dimension]
) -> list[dict[str, list[str]]]:
    """Requests of at most ``max_cells`` cells each, split along the area, then the time variable."""
    cells = math.prod(len(codes) for codes in selection.values())
    if cells <= max_cells:
        return [dict(selection)]
    order = sorted(
        variables,
        key=lambda d: (0 if d.role == "geo" else 1 if d.role == "time" else 2, -len(selection[d.id])),
    )
    for dim in order:
        codes = selection[dim.id]
        rest = cells // len(codes)
        if rest <= max_cells:
            step = max_cells // rest
            return [{**selection, dim.id: codes[i : i + step]} for i in range(0, len(codes), step)]
    biggest = max(variables, key=lambda d: len(selection[d.id]))
    raise ImportFailed(
        f"the query selects {cells:,} cells and the server answers at most {max_cells:,} per request, even "
        f"split by one variable. Select fewer values of {biggest.id!r} in --query.",
        field="query",
    )


def join(
    cubes: Sequence[Cube], variables: Sequence[Dimension], selection: Mapping[str, list[str]], *, file: str
) -> Cube:
    """The answers of split requests as one cube in the table's order."""
    first = cubes[0]
    if len(cubes) == 1:
        first.file = file
        return first
    dims = []
    for dim in first.dimensions:
        codes = [
            c
            for c in selection.get(dim.id, dim.codes)
            if any(c in part.dimension(dim.id).codes for part in cubes)
        ]
        labels = {}
        for lang in dim.labels:
            by_code: dict[str, str] = {}
            for part in cubes:
                pdim = part.dimension(dim.id)
                by_code.update(zip(pdim.codes, pdim.labels.get(lang, pdim.codes), strict=True))
            labels[lang] = [by_code[c] for c in codes]
        dims.append(Dimension(dim.id, dim.names, codes, labels, dim.elimination, dim.role))
    strides = []
    stride = 1
    for dim in reversed(dims):
        strides.append(stride)
        stride *= len(dim)
    strides.reverse()
    values: list[float | None] = [None] * stride
    symbols: list[str | None] = [None] * stride
    for part in cubes:
        index = {d.id: {c: i for i, c in enumerate(d.codes)} for d in dims}
        frame = part.to_frame()
        for row in frame.iter_rows(named=True):
            at = sum(index[d.id][row[d.id]] * s for d, s in zip(dims, strides, strict=True))
            values[at] = row["value"]
            symbols[at] = row["symbol"]
    return Cube(
        file=file,
        dimensions=dims,
        values=values,
        symbols=symbols,
        languages=first.languages,
        title=first.title,
        source=first.source,
        units=first.units,
        notes=first.notes,
        decimals=first.decimals,
        last_updated=first.last_updated,
        table_id=first.table_id,
        content_units=first.content_units,
        content_decimals=first.content_decimals,
    )
