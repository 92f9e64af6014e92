"""THL Sotkanet: a polite REST client and parsers for its JSON and CSV output.

The client (:class:`SotkanetClient`) fetches indicator metadata, regions and
data rows from https://sotkanet.fi/rest/1.1 with a descriptive User-Agent,
retries with exponential backoff, a minimum interval between requests and an
on-disk cache. The parsers are pure functions from Sotkanet's JSON/CSV to
:class:`~kasvu.importers.base.ParsedBatch` and work the same on a cached
response, a file saved from the browser, or a test fixture.

Data rows carry Sotkanet's internal region id (``"region": 46``), not the
official code; the batch says ``area_scheme="sotkanet"`` and the store maps the
ids through :func:`parse_regions` output.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeGuard, Unpack

import httpx
import polars as pl

from kasvu.importers.base import (
    FLAG_DERIVED_DENOMINATOR,
    FLAG_SUPPRESSED_AT_SOURCE,
    OBSERVATION_SCHEMA,
    ImportFailed,
    IndicatorMeta,
    ParsedBatch,
    parse_json_text,
)
from kasvu.importers.http import ClientOptions, PoliteClient

BASE_URL = "https://sotkanet.fi/rest/1.1"
USER_AGENT = (
    "kasvu/0.1 (indicator bank of a Finnish regional social-welfare development unit; "
    "https://github.com/kasvu; batch downloads with cache)"
)
METADATA_URL = "https://sotkanet.fi/sotkanet/fi/metadata/indicators/{id}"
LICENCE = "CC BY 4.0"
ATTRIBUTION_THL = "Source: THL, Sotkanet.fi"
THL_ORGANIZATION_ID = 2

GENDERS = ("total", "male", "female")

#: primaryValueType code -> (unit, scale) for rates and percentages.
RATE_TYPES: dict[str, tuple[str, float]] = {
    "PROS": ("%", 100.0),
    "PER100": ("%", 100.0),
    "PER1000": ("per 1,000", 1000.0),
    "PER10000": ("per 10,000", 10000.0),
    "PER100000": ("per 100,000", 100000.0),
}
#: primaryValueType codes that are plain counts (summable over areas).
COUNT_TYPES = frozenset({"LKM", "COUNT", "NUMBER", "ABS", "ABSOLUTE", "HENKILOA"})


class SotkanetUnavailable(ImportFailed):
    """Sotkanet did not answer usefully after all retries."""


# --------------------------------------------------------------------------- client


class SotkanetClient(PoliteClient):
    """A small, polite client for the Sotkanet REST API v1.1 (:class:`~kasvu.importers.http.PoliteClient`).

    ``cache_dir`` keeps each response as a JSON file keyed by the full URL
    (path and query); a cached response is returned without a request unless
    ``refresh=True``. ``sleep`` and ``clock`` are injectable for tests.
    """

    def __init__(
        self, *, base_url: str = BASE_URL, user_agent: str = USER_AGENT, **options: Unpack[ClientOptions]
    ) -> None:
        if not user_agent.strip():
            raise ValueError("Sotkanet answers 403 without a User-Agent: give a descriptive user_agent.")
        super().__init__(user_agent=user_agent, **options)
        self.base_url = base_url.rstrip("/")

    # -- endpoints

    def indicators(self) -> list[dict[str, Any]]:
        """All indicators (``GET /indicators``): a list of short metadata objects."""
        return _expect_list(self.get_json("/indicators"), self.url("/indicators"))

    def indicator(self, indicator_id: int) -> dict[str, Any]:
        """One indicator's full metadata (``GET /indicators/{id}``)."""
        path = f"/indicators/{int(indicator_id)}"
        obj = self.get_json(path)
        if not isinstance(obj, dict):
            raise ImportFailed("expected a JSON object of indicator metadata.", file=self.url(path))
        return obj

    def regions(self) -> list[dict[str, Any]]:
        """All regions of all categories (``GET /regions``)."""
        return _expect_list(self.get_json("/regions"), self.url("/regions"))

    def data(
        self, indicator_id: int, years: Iterable[int], genders: Iterable[str] = ("total",)
    ) -> list[dict[str, Any]]:
        """Data rows of one indicator for all regions (``GET /json``).

        ``years`` and ``genders`` are sent as repeated parameters
        (``years=2019&years=2023&genders=total``).
        """
        params = data_params(indicator_id, years, genders)
        return _expect_list(self.get_json("/json", params), self.url("/json", params))

    def fetch(
        self, indicator_id: int, years: Iterable[int], genders: Iterable[str] = ("total",)
    ) -> ParsedBatch:
        """Metadata and data of one indicator as a batch ready for the store."""
        years, genders = list(years), list(genders)
        meta = parse_indicator_metadata(
            self.indicator(indicator_id), file=self.url(f"/indicators/{indicator_id}")
        )
        rows = self.data(indicator_id, years, genders)
        params = data_params(indicator_id, years, genders)
        batch = parse_data_json(rows, file=self.url("/json", params), indicators=[meta])
        batch.source_url = self.url("/json", params)
        batch.retrieved_at = datetime.now(UTC)
        return batch

    # -- transport

    def url(self, path: str, params: Sequence[tuple[str, str]] | None = None) -> str:
        return str(httpx.URL(self.base_url + path, params=list(params or [])))

    def get_json(self, path: str, params: Sequence[tuple[str, str]] | None = None) -> Any:
        """GET ``path`` and return the decoded JSON, from the cache (keyed by the full URL) when possible."""
        url = self.url(path, params)
        return self.cached_json("GET", url, cache_key=url)

    def client_error(self, response: httpx.Response) -> str:
        return _client_error_message(response.status_code)

    def unavailable(self, url: str, last: str) -> ImportFailed:
        return SotkanetUnavailable(
            f"Sotkanet did not answer after {self.attempts} attempts (last: {last}). "
            "Sotkanet may be down or busy: try again later, or download the data as JSON/CSV "
            "from sotkanet.fi and import the files instead.",
            file=url,
        )


def data_params(
    indicator_id: int, years: Iterable[int], genders: Iterable[str] = ("total",)
) -> list[tuple[str, str]]:
    """Query parameters of ``/json`` and ``/csv``, keys repeated per year and gender."""
    params = [("indicator", str(int(indicator_id)))]
    params += [("years", str(int(y))) for y in years]
    for gender in genders:
        if gender not in GENDERS:
            raise ValueError(f"Unknown gender {gender!r}. Use one of: {', '.join(GENDERS)}.")
        params.append(("genders", gender))
    return params


def _expect_list(obj: Any, url: str) -> list[dict[str, Any]]:
    if not isinstance(obj, list):
        raise ImportFailed(f"expected a JSON list, got {type(obj).__name__}.", file=url)
    return obj


def _client_error_message(status: int) -> str:
    if status == 403:
        return (
            "Sotkanet refused the request (HTTP 403). It rejects requests without a descriptive "
            "User-Agent: set one (the default names kasvu) and do not clear it."
        )
    if status == 404:
        return "Sotkanet has no such resource (HTTP 404). Check the indicator id on sotkanet.fi."
    return f"Sotkanet rejected the request (HTTP {status}). Check the indicator id, years and genders."


# --------------------------------------------------------------------------- metadata


def _plain(text: Any) -> str:
    """Sotkanet texts contain HTML (``<br>``, ``<p>``, links): make them plain text."""
    if not isinstance(text, str):
        return ""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</li>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _texts(obj: Any) -> dict[str, str]:
    if not isinstance(obj, Mapping):
        return {}
    out = {lang: _plain(obj.get(lang)) for lang in ("fi", "sv", "en")}
    return {lang: text for lang, text in out.items() if text}


def value_type(code: str, title: Mapping[str, str] | None = None) -> tuple[str, float, str]:
    """``(unit, scale, aggregation)`` for a Sotkanet ``primaryValueType``."""
    code = (code or "").upper()
    if code in RATE_TYPES:
        unit, scale = RATE_TYPES[code]
        return unit, scale, "ratio"
    en = (title or {}).get("en", "") or ""
    if code in COUNT_TYPES or re.search(r"\b(number|count)\b", en, re.I):
        unit = "persons" if re.search(r"person|people|individual", en, re.I) or not en else en.lower()
        return unit, 1.0, "sum"
    return (en.lower() or code.lower()), 1.0, "unknown"


def parse_indicator_metadata(obj: Mapping[str, Any], *, file: str = "indicator metadata") -> IndicatorMeta:
    """One ``GET /indicators/{id}`` object → :class:`IndicatorMeta` (key ``sotkanet:<id>``)."""
    if not isinstance(obj, Mapping):
        raise ImportFailed("expected a JSON object of indicator metadata.", file=file)
    ind_id = obj.get("id")
    if not isinstance(ind_id, int) or isinstance(ind_id, bool):
        raise ImportFailed("indicator id missing or not an integer.", file=file, field="id")
    title = _texts(obj.get("title"))
    if not title:
        raise ImportFailed("indicator has no title.", file=file, row=f"indicator {ind_id}", field="title")
    pvt = obj.get("primaryValueType") or {}
    unit, scale, aggregation = value_type(str(pvt.get("code", "")), pvt.get("title"))
    decimals = obj.get("decimals")
    notes: dict[str, str] = {}
    for lang in ("fi", "sv", "en"):
        parts = [_texts(obj.get(k)).get(lang, "") for k in ("interpretation", "limits", "notices")]
        joined = "\n\n".join(p for p in parts if p)
        if joined:
            notes[lang] = joined
    return IndicatorMeta(
        key=f"sotkanet:{ind_id}",
        source="sotkanet",
        source_id=str(ind_id),
        title=title,
        description=_texts(obj.get("description")),
        unit=unit,
        decimals=decimals if isinstance(decimals, int) and not isinstance(decimals, bool) else 1,
        aggregation=aggregation,
        scale=scale,
        licence=LICENCE,
        attribution=_attribution(obj.get("organization")),
        source_url=METADATA_URL.format(id=ind_id),
        notes=notes,
        last_updated=_date(obj.get("data-updated")),
    )


def _attribution(org: Any) -> str:
    if not isinstance(org, Mapping) or org.get("id") == THL_ORGANIZATION_ID:
        return ATTRIBUTION_THL
    name = (org.get("title") or {}).get("en") or (org.get("title") or {}).get("fi")
    return f"Source: {name}; THL, Sotkanet.fi" if name else ATTRIBUTION_THL


def _date(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    # Sotkanet gives dates without a zone; they are Finnish calendar dates, stored as UTC midnight.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- data


#: (record number, indicator, region, year, gender, value, absValue)
_Record = tuple[int, int, int, int, str, float | None, float | None]


DERIVED_NOTE = (
    "Denominators were derived as absValue / value × scale from the rounded published value; they are "
    "approximate (relative error up to half a unit of the last published decimal / value) and flagged "
    "'denominator_derived'."
)


def _is_int(v: object) -> TypeGuard[int]:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def parse_data_json(
    rows: Any, *, file: str = "sotkanet data", indicators: Sequence[IndicatorMeta] = ()
) -> ParsedBatch:
    """Rows of ``GET /json`` → a batch with ``area_scheme="sotkanet"``.

    ``numerator`` is ``absValue``. When the indicator's metadata is given and it
    is a rate, ``denominator = absValue / value * scale`` (approximate: ``value``
    is rounded to the published decimals). A null ``value`` is flagged
    suppressed at source.
    """
    if not isinstance(rows, list):
        raise ImportFailed(f"expected a JSON list of data rows, got {type(rows).__name__}.", file=file)
    records: list[_Record] = []
    for index, row in enumerate(rows, start=1):
        where = f"record {index}"
        if not isinstance(row, Mapping):
            raise ImportFailed("expected a JSON object.", file=file, row=where)
        for name in ("indicator", "region", "year"):
            if not _is_int(row.get(name)):
                raise ImportFailed(
                    f"expected an integer, got {row.get(name)!r}.", file=file, row=where, field=name
                )
        gender = row.get("gender")
        if gender not in GENDERS:
            raise ImportFailed(
                f"unknown gender {gender!r}; expected one of {', '.join(GENDERS)}.",
                file=file,
                row=where,
                field="gender",
            )
        values: list[float | None] = []
        for name in ("value", "absValue"):
            v = row.get(name)
            if v is not None and not _is_number(v):
                raise ImportFailed(f"expected a number or null, got {v!r}.", file=file, row=where, field=name)
            values.append(None if v is None else float(v))
        records.append((index, row["indicator"], row["region"], row["year"], gender, values[0], values[1]))
    return _batch(records, file=file, indicators=indicators, record_word="record")


CSV_COLUMNS = ("indicator", "region", "year", "gender", "primary.value", "absolute.value")


def parse_data_csv(
    text: str, *, file: str = "sotkanet data.csv", indicators: Sequence[IndicatorMeta] = ()
) -> ParsedBatch:
    """Sotkanet ``/csv`` output (``;``-separated, ``.`` decimal) → a batch.

    Columns: indicator;region;year;gender;primary.value;absolute.value. A header
    line is optional. Empty values, ``NA`` and ``null`` are missing.
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    records: list[_Record] = []
    for line_no, cells in enumerate(reader, start=1):
        if not cells or all(not c.strip() for c in cells):
            continue
        if line_no == 1 and cells[0].strip().strip('"').lower() == "indicator":
            continue
        if len(cells) < 5:
            raise ImportFailed(
                f"expected at least 5 ';'-separated columns ({';'.join(CSV_COLUMNS)}), got {len(cells)}. "
                "Check that the file is Sotkanet CSV and uses ';' as separator.",
                file=file,
                row=line_no,
            )
        cells = cells + [""] * (6 - len(cells))
        ints = []
        for name, cell in zip(CSV_COLUMNS[:3], cells[:3], strict=True):
            try:
                ints.append(int(cell.strip()))
            except ValueError:
                raise ImportFailed(
                    f"expected an integer, got {cell!r}.", file=file, row=line_no, field=name
                ) from None
        gender = cells[3].strip()
        if gender not in GENDERS:
            raise ImportFailed(
                f"unknown gender {gender!r}; expected one of {', '.join(GENDERS)}.",
                file=file,
                row=line_no,
                field="gender",
            )
        values: list[float | None] = []
        for name, cell in zip(CSV_COLUMNS[4:], cells[4:6], strict=True):
            cell = cell.strip()
            if cell in ("", "NA", "null", "."):
                values.append(None)
                continue
            try:
                values.append(float(cell))
            except ValueError:
                raise ImportFailed(
                    f"expected a number with '.' as decimal mark, got {cell!r}.",
                    file=file,
                    row=line_no,
                    field=name,
                ) from None
        records.append((line_no, ints[0], ints[1], ints[2], gender, values[0], values[1]))
    return _batch(records, file=file, indicators=indicators, record_word="row")


def _batch(
    records: list[_Record],
    *,
    file: str,
    indicators: Sequence[IndicatorMeta],
    record_word: str,
) -> ParsedBatch:
    scales = {m.source_id: m.scale for m in indicators if m.aggregation == "ratio"}
    seen: dict[tuple[int, int, int, str], int] = {}
    cols: dict[str, list[Any]] = {c: [] for c in OBSERVATION_SCHEMA}
    derived = False
    for index, indicator, region, year, gender, value, abs_value in records:
        key = (indicator, region, year, gender)
        if key in seen:
            raise ImportFailed(
                f"{record_word}s {seen[key]} and {index} are both indicator {indicator}, region {region}, "
                f"year {year}, gender {gender}. Remove one of them.",
                file=file,
                row=f"{record_word} {index}",
            )
        seen[key] = index
        scale = scales.get(str(indicator))
        denominator = None
        if scale and value and abs_value is not None:
            denominator = abs_value / value * scale
            derived = True
        cols["indicator"].append(f"sotkanet:{indicator}")
        cols["area_code"].append(str(region))
        cols["year"].append(year)
        cols["sex"].append(gender)
        cols["value"].append(value)
        cols["numerator"].append(abs_value)
        cols["denominator"].append(denominator)
        cols["sample_size"].append(None)
        cols["flags"].append(
            FLAG_SUPPRESSED_AT_SOURCE if value is None else FLAG_DERIVED_DENOMINATOR if denominator else 0
        )
        cols["row"].append(index)
    notes = [DERIVED_NOTE] if derived else []
    return ParsedBatch(
        source_file=file,
        indicators=list(indicators),
        observations=pl.DataFrame(cols, schema=OBSERVATION_SCHEMA),
        area_scheme="sotkanet",
        notes=notes,
    )


def _fast_batch(frame: pl.DataFrame, *, file: str, indicators: Sequence[IndicatorMeta]) -> ParsedBatch | None:
    """The whole response at once, when it is clean; ``None`` sends it to the row-by-row checks.

    Valid responses (nearly all) are converted column-wise in Polars. Anything
    unusual (a wrong type, an unknown gender, a duplicate) falls back to
    :func:`parse_data_json`, whose messages name the record and field.
    """
    ints = ("indicator", "region", "year")
    if frame.height == 0 or any(c not in frame.columns for c in (*ints, "gender")):
        return None
    if any(not frame.schema[c].is_integer() for c in ints) or frame.schema["gender"] != pl.String:
        return None
    for c in ("value", "absValue"):
        if c in frame.columns and not (frame.schema[c].is_numeric() or frame.schema[c] == pl.Null):
            return None
    if frame.select(pl.any_horizontal(pl.col(*ints).is_null()).any()).item():
        return None
    if (
        not frame["gender"].is_in(list(GENDERS)).all()
        or frame.select(pl.struct(*ints, "gender").is_duplicated().any()).item()
    ):
        return None
    scales = {f"sotkanet:{m.source_id}": m.scale for m in indicators if m.aggregation == "ratio"}
    value = pl.col("value").cast(pl.Float64) if "value" in frame.columns else pl.lit(None, pl.Float64)
    abs_value = (
        pl.col("absValue").cast(pl.Float64) if "absValue" in frame.columns else pl.lit(None, pl.Float64)
    )
    out = frame.select(
        pl.format("sotkanet:{}", pl.col("indicator")).alias("indicator"),
        pl.col("region").cast(pl.String).alias("area_code"),
        pl.col("year").cast(pl.Int32),
        pl.col("gender").alias("sex"),
        value.alias("value"),
        abs_value.alias("numerator"),
    )
    scale = pl.col("indicator").replace_strict(scales, default=None, return_dtype=pl.Float64)
    derivable = scale.is_not_null() & pl.col("numerator").is_not_null() & (pl.col("value") != 0)
    out = out.with_columns(
        pl.when(derivable).then(pl.col("numerator") / pl.col("value") * scale).alias("denominator"),
        pl.lit(None, pl.Int64).alias("sample_size"),
        pl.when(pl.col("value").is_null())
        .then(FLAG_SUPPRESSED_AT_SOURCE)
        .when(derivable)
        .then(FLAG_DERIVED_DENOMINATOR)
        .otherwise(0)
        .cast(pl.Int32)
        .alias("flags"),
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("row"),
    )
    notes = [DERIVED_NOTE] if out["denominator"].null_count() < out.height else []
    return ParsedBatch(
        source_file=file, indicators=list(indicators), observations=out, area_scheme="sotkanet", notes=notes
    )


def read_data_file(path: str | Path, *, indicators: Sequence[IndicatorMeta] = ()) -> ParsedBatch:
    """A saved ``/json`` (``.json``) or ``/csv`` (``.csv``) response → a batch."""
    path = Path(path)
    raw = path.read_bytes()
    if path.suffix.lower() != ".csv":
        try:
            fast = _fast_batch(pl.read_json(io.BytesIO(raw)), file=str(path), indicators=indicators)
        except Exception:  # noqa: BLE001 - any oddity: the careful parser below explains it
            fast = None
        if fast is not None:
            return fast
    if path.suffix.lower() == ".csv":
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ImportFailed(
                f"not UTF-8 text (byte {exc.start}). Save the Sotkanet CSV as UTF-8.", file=str(path)
            ) from exc
        return parse_data_csv(text, file=str(path), indicators=indicators)
    return parse_data_json(parse_json_text(raw, file=str(path)), file=str(path), indicators=indicators)


# --------------------------------------------------------------------------- regions

REGION_SCHEMA: dict[str, Any] = {
    "sotkanet_id": pl.Int64,
    "code": pl.String,
    "category": pl.String,
    "title_fi": pl.String,
    "title_sv": pl.String,
    "title_en": pl.String,
    "member_of": pl.List(pl.Int64),
}


def parse_regions(obj: Any, *, file: str = "sotkanet regions") -> pl.DataFrame:
    """``GET /regions`` → one row per region (columns of :data:`REGION_SCHEMA`)."""
    if not isinstance(obj, list):
        raise ImportFailed(f"expected a JSON list of regions, got {type(obj).__name__}.", file=file)
    cols: dict[str, list[Any]] = {c: [] for c in REGION_SCHEMA}
    seen: dict[int, int] = {}
    for index, region in enumerate(obj, start=1):
        where = f"record {index}"
        if not isinstance(region, Mapping):
            raise ImportFailed("expected a JSON object.", file=file, row=where)
        rid = region.get("id")
        if not _is_int(rid):
            raise ImportFailed(f"expected an integer id, got {rid!r}.", file=file, row=where, field="id")
        if rid in seen:
            raise ImportFailed(f"records {seen[rid]} and {index} both have id {rid}.", file=file, row=where)
        seen[rid] = index
        for name in ("code", "category"):
            if not isinstance(region.get(name), str):
                raise ImportFailed(
                    f"expected a string, got {region.get(name)!r}.", file=file, row=where, field=name
                )
        members = region.get("memberOf") or []
        if not isinstance(members, list) or not all(_is_int(m) for m in members):
            raise ImportFailed("expected a list of region ids.", file=file, row=where, field="memberOf")
        raw_title = region.get("title")
        title: Mapping[str, Any] = raw_title if isinstance(raw_title, Mapping) else {}
        cols["sotkanet_id"].append(rid)
        cols["code"].append(region["code"])
        cols["category"].append(region["category"])
        for lang in ("fi", "sv", "en"):
            cols[f"title_{lang}"].append(title.get(lang))
        cols["member_of"].append(members)
    return pl.DataFrame(cols, schema=REGION_SCHEMA)


def read_metadata_file(path: Path) -> list[IndicatorMeta]:
    """Sotkanet indicator metadata saved from /indicators/{id}: one object, a list, or {"indicators": {...}}."""
    obj = parse_json_text(path.read_bytes(), file=str(path))
    if isinstance(obj, dict) and isinstance(obj.get("indicators"), dict):
        items = list(obj["indicators"].values())
    elif isinstance(obj, list):
        items = obj
    else:
        items = [obj]
    return [parse_indicator_metadata(item, file=str(path)) for item in items]
