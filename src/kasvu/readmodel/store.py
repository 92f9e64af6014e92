"""Reading the bank for display: the only place (with the bank's own writers) that reads observations.

Every function here runs SQL and returns Polars frames; everything above it (areas, groups, disclosure,
intervals, :func:`kasvu.readmodel.read_values`) works on those frames. Metadata, areas, memberships and
successions are cached per data version (:func:`data_version`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import polars as pl

from kasvu.readmodel.cache import backend, cached
from kasvu.readmodel.schema import OBS_COLUMNS, OBS_SCHEMA, TOTAL, empty_stored

_STORED_COLUMNS = [*OBS_COLUMNS, "import_run_id"]


def data_version() -> tuple[Hashable, ...]:
    """Changes whenever an import, a group's members or the suppression pattern change (one query)."""
    from kasvu.replicas import reading_connection  # a replica for anonymous and API reads

    with reading_connection().cursor() as cur:
        cur.execute(
            "SELECT (SELECT MAX(id) FROM bank_importrun), (SELECT MAX(id) FROM bank_membership), "
            "(SELECT COUNT(*) FROM bank_membership), (SELECT MAX(id) FROM bank_groupsuppression), "
            "(SELECT COUNT(*) FROM bank_indicator)"
        )
        return tuple(cur.fetchone() or ())


def sync() -> None:
    """Empty the caches when the data changed since they were filled (call once per request)."""
    backend().sync(data_version())


def _in(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _rows(sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    from kasvu.replicas import reading_connection  # a replica for anonymous and API reads

    with reading_connection().cursor() as cur:
        cur.execute(sql, list(params))
        rows = cur.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def observations(
    area_ids: Sequence[int] | None,
    indicator_ids: Sequence[int],
    breakdown_id: int = TOTAL,
    years: tuple[int, int] | None = None,
    year_in: Sequence[int] | None = None,
) -> pl.DataFrame:
    """Stored observations (:data:`OBS_SCHEMA` and ``import_run_id``) of these areas (None: all) and
    indicators in one query, via the unique index on indicator, area, year, breakdown."""
    if (area_ids is not None and not area_ids) or not indicator_ids or (year_in is not None and not year_in):
        return empty_stored()
    sql = (
        f"SELECT {', '.join(_STORED_COLUMNS)} FROM bank_observation WHERE breakdown_id = %s "
        f"AND indicator_id IN ({_in(indicator_ids)})"
    )
    params: list[Any] = [breakdown_id, *indicator_ids]
    if area_ids is not None:
        sql += f" AND area_id IN ({_in(area_ids)})"
        params += list(area_ids)
    if years is not None:
        sql += " AND year BETWEEN %s AND %s"
        params += list(years)
    if year_in is not None:
        sql += f" AND year IN ({_in(year_in)})"
        params += list(year_in)
    schema = {**OBS_SCHEMA, "import_run_id": pl.Int64}
    if area_ids is None:  # a whole indicator (API, bundle): PostgreSQL streams it as CSV, twice as fast
        from kasvu.replicas import reading_connection

        conn = reading_connection()
        if conn.vendor == "postgresql":
            from kasvu.bank.observations import copy_out

            streamed: pl.DataFrame = copy_out(conn, sql, params, schema)
            return streamed
    return _rows(sql, params, schema)


def indicators_with_data(area_ids: Sequence[int] | None = None) -> list[int]:
    """Indicators that have any stored value (for these areas): for pickers and lists. Without areas the
    answer is cached per data version (an index probe per indicator, not a scan of every observation)."""
    if area_ids is None:
        ids: list[int] = cached(
            "store:indicators_with_data",
            lambda: _rows(
                "SELECT i.id FROM bank_indicator i WHERE EXISTS "
                "(SELECT 1 FROM bank_observation o WHERE o.indicator_id = i.id)",
                [],
                {"indicator_id": pl.Int64},
            )["indicator_id"].to_list(),
        )
        return ids
    if not area_ids:
        return []
    sql = f"SELECT DISTINCT indicator_id FROM bank_observation WHERE area_id IN ({_in(area_ids)})"
    return _rows(sql, list(area_ids), {"indicator_id": pl.Int64})["indicator_id"].to_list()


def has_values(indicator_id: int) -> bool:
    """Does the indicator have any stored value (one index lookup)?"""
    sql = "SELECT 1 FROM bank_observation WHERE indicator_id = %s LIMIT 1"
    return _rows(sql, [indicator_id], {"one": pl.Int64}).height > 0


def areas_with_data(indicator_id: int, limit: int = 5000) -> list[int]:
    """Areas with a stored value of the indicator (at most ``limit``)."""
    sql = f"SELECT DISTINCT area_id FROM bank_observation WHERE indicator_id = %s LIMIT {int(limit)}"
    return _rows(sql, [indicator_id], {"area_id": pl.Int64})["area_id"].to_list()


def group_suppressions(
    area_ids: Sequence[int], breakdown_id: int, indicator_ids: Sequence[int] | None = None
) -> pl.DataFrame:
    """The stored disclosure pattern of computed group values (:class:`~kasvu.bank.models.GroupSuppression`)."""
    from kasvu.bank.models import GroupSuppression

    qs = GroupSuppression.objects.filter(area_id__in=list(area_ids), breakdown_id=breakdown_id)
    if indicator_ids is not None:
        qs = qs.filter(indicator_id__in=list(indicator_ids))
    rows = list(qs.values_list("indicator_id", "area_id", "year", "sub", "reason"))
    schema = {
        "indicator_id": pl.Int64, "area_id": pl.Int64, "year": pl.Int64, "sub": pl.Int64,
        "group_suppressed": pl.Int64,
    }  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def breakdown_key(breakdown_id: int) -> str:
    from kasvu.bank.models import Breakdown

    return str(Breakdown.objects.filter(pk=breakdown_id).values_list("key", flat=True).first() or "total")


# ---------------------------------------------------------------------------
# Metadata, areas, memberships (cached per data version)

INDICATOR_SCHEMA: dict[str, Any] = {
    "indicator_id": pl.Int64, "key": pl.String, "title_fi": pl.String, "title_sv": pl.String,
    "title_en": pl.String, "unit": pl.String, "decimals": pl.Int64, "scale": pl.Float64,
    "direction": pl.String, "aggregation": pl.String, "rights": pl.List(pl.String),
    "themes": pl.List(pl.String), "threshold": pl.Int64, "generated": pl.Boolean, "attribution": pl.String,
    "licence": pl.String, "url": pl.String, "source": pl.String, "source_fi": pl.String,
    "source_sv": pl.String, "source_en": pl.String, "declared_kind": pl.String, "weight_name": pl.String,
    "approximate_weight": pl.Boolean, "reference_areas": pl.List(pl.String),
}  # fmt: skip


def _indicators() -> pl.DataFrame:
    from django.conf import settings

    from kasvu.bank.models import Indicator

    default = int(settings.KASVU["SUPPRESSION_THRESHOLD"])
    rows = []
    for i in Indicator.objects.select_related("source").order_by("key"):
        rows.append(
            {
                "indicator_id": i.id, "key": i.key, "title_fi": i.title_fi, "title_sv": i.title_sv,
                "title_en": i.title_en, "unit": i.unit, "decimals": int(i.decimals),
                "scale": float(i.scale or 1.0), "direction": i.direction, "aggregation": i.aggregation,
                "rights": [str(r) for r in (i.rights or [])], "themes": [str(t) for t in (i.themes or [])],
                "threshold": int(i.suppression_threshold or default), "generated": bool(i.source.is_generated),
                "attribution": i.attribution or i.source.attribution, "licence": i.licence or i.source.licence,
                "url": i.source_url or i.source.url, "source": i.source.name("en"),
                "source_fi": i.source.name_fi, "source_sv": i.source.name_sv, "source_en": i.source.name_en,
                "declared_kind": str((i.notes or {}).get("kind", "")) if isinstance(i.notes, dict) else "",
                # The denominator population of a weighted mean (kasvu.readmodel.weights), and whether the
                # analyst allows the total population in its place.
                "weight_name": str((i.notes or {}).get("weight", "")) if isinstance(i.notes, dict) else "",
                "approximate_weight": isinstance(i.notes, dict)
                and str(i.notes.get("approximate_weight", "")).lower() in ("allowed", "true", "yes"),
                "reference_areas": _reference_areas(i),
            }
        )  # fmt: skip
    return pl.DataFrame(rows, schema=INDICATOR_SCHEMA)


def _reference_areas(indicator: Any) -> list[str]:
    """A survey indicator's own reference population (area keys, ``notes.reference_areas``, stored when the
    survey is published); for a survey published before they were stored, the group named after it."""
    notes = indicator.notes if isinstance(indicator.notes, dict) else {}
    keys = notes.get("reference_areas")
    if isinstance(keys, list):
        return [str(k) for k in keys]
    return [f"group:{indicator.source.key}"] if notes.get("survey") else []


def indicator_rows() -> pl.DataFrame:
    """Every indicator's metadata (:data:`INDICATOR_SCHEMA`), cached per data version."""
    frame: pl.DataFrame = cached("store:indicators", _indicators)
    return frame


AREA_SCHEMA: dict[str, Any] = {
    "area_id": pl.Int64, "kind": pl.String, "code": pl.String, "name_fi": pl.String, "name_sv": pl.String,
    "name_en": pl.String, "valid_from": pl.Int64, "valid_to": pl.Int64,
}  # fmt: skip
MEMBERSHIP_SCHEMA: dict[str, Any] = {
    "group_id": pl.Int64, "member_id": pl.Int64, "valid_from": pl.Int64, "valid_to": pl.Int64,
}  # fmt: skip
SUCCESSION_SCHEMA: dict[str, Any] = {
    "predecessor_id": pl.Int64, "successor_id": pl.Int64, "year_of_merger": pl.Int64,
}  # fmt: skip


def _areas() -> pl.DataFrame:
    from kasvu.bank.models import Area

    rows = list(
        Area.objects.values_list(
            "id", "kind", "code", "name_fi", "name_sv", "name_en", "valid_from", "valid_to"
        )
    )
    return pl.DataFrame(rows, schema=AREA_SCHEMA, orient="row")


def _memberships() -> pl.DataFrame:
    from kasvu.bank.models import Membership

    rows = list(Membership.objects.values_list("group_id", "member_id", "valid_from", "valid_to"))
    return pl.DataFrame(rows, schema=MEMBERSHIP_SCHEMA, orient="row")


def _successions() -> pl.DataFrame:
    from kasvu.bank.models import Succession

    rows = list(Succession.objects.values_list("predecessor_id", "successor_id", "year"))
    return pl.DataFrame(rows, schema=SUCCESSION_SCHEMA, orient="row")


def area_rows() -> pl.DataFrame:
    frame: pl.DataFrame = cached("store:areas", _areas)
    return frame


def membership_rows() -> pl.DataFrame:
    frame: pl.DataFrame = cached("store:memberships", _memberships)
    return frame


def succession_rows() -> pl.DataFrame:
    frame: pl.DataFrame = cached("store:successions", _successions)
    return frame


def import_runs(
    indicator_ids: Sequence[int],
    area_ids: Sequence[int],
    years: tuple[int, int] | None,
    breakdown_id: int = TOTAL,
) -> pl.DataFrame:
    """Which imports brought the values of these areas — and, for groups, of their municipalities — in
    ``years``: indicator_id, area_id, year, import_run_id (for provenance)."""
    from kasvu.readmodel.areas import area_tree

    tree = area_tree()
    wanted = set(area_ids)
    for a in area_ids:
        if tree.kind(a) not in ("municipality", "district"):
            wanted.update(tree.member_links(a)["member_id"].to_list())
    schema = {"indicator_id": pl.Int64, "area_id": pl.Int64, "year": pl.Int64, "import_run_id": pl.Int64}
    if not wanted or not indicator_ids:
        return pl.DataFrame(schema=schema)
    ids = sorted(wanted)
    sql = (
        "SELECT DISTINCT indicator_id, area_id, year, import_run_id FROM bank_observation WHERE breakdown_id = %s "
        f"AND indicator_id IN ({_in(indicator_ids)}) AND area_id IN ({_in(ids)})"
    )
    params: list[Any] = [breakdown_id, *indicator_ids, *ids]
    if years is not None:
        sql += " AND year BETWEEN %s AND %s"
        params += list(years)
    return _rows(sql, params, schema)
