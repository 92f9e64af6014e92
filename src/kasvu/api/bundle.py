"""The open-data bundle: a zip with observations.csv, metadata.json and README.md (citation, licence).

Used by ``GET /api/v1/bundle`` and ``kasvu api bundle``. For the public the CSV has published values
only (suppressed cells are empty and marked); generated demo data are labelled in every file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Sequence
from typing import Any

from kasvu.api import formats
from kasvu.api.observations import ObservationQuery, observation_table
from kasvu.bank.models import Area, Indicator
from kasvu.readmodel.schema import COLUMN_MEANINGS

LICENCE_TEXT = {
    "CC BY 4.0": (
        "Creative Commons Attribution 4.0 International (CC BY 4.0), "
        "https://creativecommons.org/licenses/by/4.0/. You may share and adapt the data for any purpose, "
        "as long as you give appropriate credit, link to the licence and say if you changed the data."
    ),
    "CC0 1.0": "CC0 1.0 (public domain dedication), https://creativecommons.org/publicdomain/zero/1.0/.",
}


def _indicator_meta(ind: Indicator) -> dict[str, Any]:
    source = ind.source
    return {
        "key": ind.key,
        "title": {"fi": ind.title_fi, "sv": ind.title_sv, "en": ind.title_en},
        "definition": {"fi": ind.description_fi, "sv": ind.description_sv, "en": ind.description_en},
        "numerator": {"fi": ind.numerator_fi, "en": ind.numerator_en},
        "denominator": {"fi": ind.denominator_fi, "en": ind.denominator_en},
        "unit": ind.unit,
        "scale": ind.scale,
        "decimals": ind.decimals,
        "direction": ind.direction,
        "source": source.name("en"),
        "source_url": ind.source_url or source.url,
        "licence": ind.licence or source.licence,
        "attribution": ind.attribution or source.attribution,
        "generated_demo_data": source.is_generated,
        "last_updated": ind.last_updated.isoformat() if ind.last_updated else None,
        "suppression_threshold": ind.threshold,
    }


def _readme(meta: dict[str, Any], public: bool, rows: int) -> str:
    inds = meta["indicators"]
    attributions = sorted({i["attribution"] for i in inds if i["attribution"]})
    licences = sorted({i["licence"] for i in inds if i["licence"]})
    generated = [i["key"] for i in inds if i["generated_demo_data"]]
    lines = [
        "# kasvu open-data bundle",
        "",
        f"Created {meta['created']} by kasvu: {rows} rows of {len(inds)} indicator(s) for "
        f"{len(meta['areas'])} area(s).",
        "",
        "- `observations.csv`: one row per indicator, area and year (columns explained in metadata.json)",
        "- `metadata.json`: indicators (definitions, units, licence, attribution, source URL) and areas",
        "",
        "## Citation",
        "",
        *[f"- {a}" for a in attributions],
        "",
        'When you publish these data, name the source as above, e.g. "Source: THL, Sotkanet.fi", '
        f"and the date of this bundle ({meta['created'][:10]}).",
        "",
        "## Licence",
        "",
        *[f"- {lic}: {LICENCE_TEXT.get(lic, 'see the source')}" for lic in licences],
        "",
        "## Small numbers",
        "",
        (
            "Values that could identify persons are suppressed: their value, numerator and denominator are "
            "empty and `suppressed` is true (see `suppression_reason`)."
            if public
            else "INTERNAL: this bundle contains unpublished values (suppressed = true). Do not publish it."
        ),
    ]
    if generated:
        lines += [
            "",
            "## Generated demo data",
            "",
            "These indicators are GENERATED DEMO DATA, not real statistics (column `generated`): "
            + ", ".join(generated),
        ]
    return "\n".join(lines) + "\n"


def build_bundle(
    indicators: Sequence[Indicator],
    areas: Sequence[Area] | None,
    years: tuple[int, int] | None = None,
    *,
    public: bool = True,
    include_groups: bool = True,
) -> bytes:
    """The zip as bytes."""
    table = observation_table(
        ObservationQuery(
            indicator_ids=[i.id for i in indicators],
            area_ids=[a.id for a in areas] if areas is not None else None,
            years=years,
            include_groups=include_groups and areas is not None,
            intervals=True,
            public=public,
        )
    )
    area_keys = set(table["area"].to_list())
    area_list = areas if areas is not None else [a for a in Area.objects.all() if a.key in area_keys]
    meta = {
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "public": public,
        "indicators": [_indicator_meta(i) for i in indicators],
        "areas": [
            {
                "key": a.key,
                "kind": a.kind,
                "code": a.code,
                "name": {"fi": a.name_fi, "sv": a.name_sv, "en": a.name_en},
            }
            for a in area_list
        ],
        "columns": COLUMN_MEANINGS,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("observations.csv", formats.to_csv(table))
        z.writestr("metadata.json", json.dumps(meta, ensure_ascii=False, indent=2))
        z.writestr("README.md", _readme(meta, public, table.height))
    return buf.getvalue()
