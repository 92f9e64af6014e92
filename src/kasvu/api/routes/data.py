"""Writes and downloads: imports (analysts), the open-data bundle, area profiles, who am I."""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from kasvu import access
from kasvu.api import common
from kasvu.api.auth import Caller, optional_auth, token_auth
from kasvu.api.bundle import build_bundle
from kasvu.api.errors import ERRORS, ApiError
from kasvu.importers import IMPORTERS, ImportFailed, import_file

router = Router()
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
# The importers a file may be sent to (sotkanet-2013 reads a bundled archive folder, not one file).
ImportKind = Literal["table", "sotkanet", "px", "jsonstat"]


class MeOut(Schema):
    username: str
    role: str | None
    token: str | None


@router.get(
    "/me", response={200: MeOut, **ERRORS}, auth=optional_auth, tags=["tokens"], summary="Who is calling"
)
def me(request: HttpRequest) -> MeOut:
    caller: Caller = request.auth  # type: ignore[attr-defined]
    return MeOut(
        username=request.user.get_username() if request.user.is_authenticated else "",
        role=access.role_of(request.user),
        token=caller.token.name if caller.token is not None else None,
    )


class ImportOut(Schema):
    import_id: int
    added: int
    updated: int
    unchanged: int
    indicators_created: int
    indicators_updated: int
    skipped: int
    notes: list[str]
    summary: str


@router.post(
    "/imports",
    response={201: ImportOut, **ERRORS},
    auth=token_auth,
    tags=["imports"],
    summary="Import a file into the bank (analysts)",
)
def create_import(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: ImportKind = Form(..., description="table, sotkanet, px or jsonstat (see kasvu import --help)"),  # noqa: B008
    mapping: UploadedFile | None = File(None),  # noqa: B008 - django-ninja declares parameters so
) -> tuple[int, ImportOut] | Any:
    """Read the file with the importer ``kind`` and store it in one transaction (all or nothing)."""
    from ninja import Status

    from kasvu.bank.loader import load

    if not access.is_analyst(request.user):
        raise access.deny(request, "api: imports are for analysts")
    if kind not in IMPORTERS or kind == "sotkanet-2013":
        raise ApiError(400, f"Unknown import kind {kind!r}: use one of table, sotkanet, px, jsonstat.")
    if (file.size or 0) > MAX_UPLOAD_BYTES:
        raise ApiError(413, f"The file is larger than {MAX_UPLOAD_BYTES // 2**20} MB; use `kasvu import`.")
    name = Path(file.name or "upload").name
    with tempfile.TemporaryDirectory(prefix="kasvu-api-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(file.read())
        map_path = None
        if mapping is not None:
            map_path = Path(tmp) / ("mapping-" + Path(mapping.name or "mapping.yaml").name)
            map_path.write_bytes(mapping.read())
        try:
            batch = import_file(path, kind=kind, mapping=map_path)
            summary = load(batch, kind=kind, user=request.user.get_username())
        except ImportFailed as exc:
            raise ApiError(400, str(exc).replace(str(path), name), code="import_failed") from None
    return Status(
        201,
        ImportOut(
            import_id=summary.run_id,
            added=summary.added,
            updated=summary.updated,
            unchanged=summary.unchanged,
            indicators_created=summary.indicators_created,
            indicators_updated=summary.indicators_updated,
            skipped=summary.skipped,
            notes=summary.notes,
            summary=str(summary),
        ),
    )


class BundleFilters(Schema):
    indicator: list[str] = Field(..., min_length=1, description="Indicator keys (repeat the parameter).")
    area: list[str] = Field([], description="Areas (repeat). Default: every area with data.")
    year_from: common.YearFrom | None = None
    year_to: common.Year | None = None
    internal: bool = Field(False, description="Unpublished values too (internal users only).")


@router.get(
    "/bundle",
    response={200: None, 304: None, **ERRORS},
    auth=optional_auth,
    tags=["open data"],
    summary="Open-data bundle (zip: observations.csv, metadata.json, README.md)",
    openapi_extra={
        "responses": {
            200: {
                "description": "zip",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def bundle(request: HttpRequest, filters: Query[BundleFilters]) -> HttpResponse:
    inds = common.indicators(filters.indicator) if filters.indicator else []
    if not inds:
        raise ApiError(400, "Give at least one indicator, e.g. ?indicator=sotkanet:127.")
    areas = [common.area(ref) for ref in filters.area] if filters.area else None
    common.check_year("year_from", filters.year_from)
    common.check_year("year_to", filters.year_to)
    years = None
    if filters.year_from is not None or filters.year_to is not None:
        years = (filters.year_from or 1000, filters.year_to or 9999)
        if years[0] > years[1]:
            raise ApiError(400, "year_from must not be after year_to.")
    public = common.public_view(request, filters.internal)

    def build() -> HttpResponse:
        response = HttpResponse(
            build_bundle(inds, areas, years, public=public), content_type="application/zip"
        )
        response["Content-Disposition"] = 'attachment; filename="kasvu-bundle.zip"'
        return response

    return common.conditional(request, common.etag_for(request, "bundle", public), build)


if importlib.util.find_spec("kasvu.profiles") is not None:

    class ProfileRow(Schema):
        indicator: str
        title: str | None
        unit: str | None
        year: int | None
        period: str | None = Field(None, description="The period shown: 2024, or e.g. 2024M03 for a month.")
        value: float | None
        ci_lower: float | None
        ci_upper: float | None
        suppressed: str | None
        internal_unpublished: bool | None
        computed_from_members: bool | None
        trend: str | None
        band: str | None
        reference: str | None
        reference_value: float | None
        comparison: str | None
        p_adjusted: float | None
        generated_demo_data: bool | None
        source: str | None
        licence: str | None

    class ProfileOut(Schema):
        area: str
        public: bool
        rows: list[ProfileRow]

    @router.get(
        "/profiles/{ref}",
        response={200: ProfileOut, **ERRORS},
        auth=optional_auth,
        tags=["profiles"],
        summary="An area's profile: latest values, intervals, comparisons, trends",
    )
    def profile(
        request: HttpRequest, ref: str, lang: common.Lang = "fi", internal: bool = False
    ) -> ProfileOut:
        from kasvu.profiles import build_profile, profile_frame

        if lang not in ("fi", "sv", "en"):
            raise ApiError(400, "lang must be fi, sv or en.")
        area = common.area(ref)
        public = common.public_view(request, internal)
        frame = profile_frame(build_profile(area.id, public=public, lang=lang))
        floats = [c for c, t in frame.schema.items() if str(t).startswith("Float")]
        rows = frame.with_columns([frame[c].fill_nan(None) for c in floats]).to_dicts()
        return ProfileOut(area=area.key, public=public, rows=[ProfileRow(**r) for r in rows])
