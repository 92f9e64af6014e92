"""Survey microdata: the only code that writes, reads or deletes :class:`~kasvu.surveys.models.Response` rows.

Rules (see ``docs/surveys.md``, "Privacy"):

* responses are imported all or nothing: the file is validated completely by
  :func:`~kasvu.surveys.responses.read_responses` before anything is written,
  and everything is written in one transaction;
* they are read only by analysts (:func:`kasvu.access.is_analyst`) and by the
  command line (:data:`COMMAND_LINE`, i.e. whoever runs ``kasvu survey`` on the
  server); no view, API endpoint or admin page calls :func:`read`;
* :func:`purge` deletes them once the results are published, and records
  counts, who and when — never the data.

Rows are written in bulk (``COPY`` on PostgreSQL, ``executemany`` on SQLite),
never one ORM save per row.
"""

from __future__ import annotations

import getpass
import hashlib
import io
import logging
import re
from pathlib import Path
from typing import Any

import polars as pl
import yaml
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from kasvu.surveys.codebook import Codebook, load_codebook, parse_codebook
from kasvu.surveys.models import Response, Survey, SurveyImport
from kasvu.surveys.responses import SurveyResponses, read_responses

audit = logging.getLogger("kasvu.audit")

#: Standard respondent columns stored as table columns (the rest are answers).
STANDARD = ("area", "school", "grade", "sex", "age", "weight", "stratum", "cluster")


class CommandLine:
    """Whoever runs ``kasvu survey`` on the server: has database access anyway, may read microdata."""

    def __repr__(self) -> str:
        return "COMMAND_LINE"


COMMAND_LINE = CommandLine()


class SurveyNotFound(LookupError):
    """No survey has the given key."""


class SurveyAlreadyImported(RuntimeError):
    """The survey round already has stored responses and --replace was not given."""


class MicrodataPurged(RuntimeError):
    """The survey's responses were deleted after publication; estimates need a new import."""


class SurveyNotPublished(RuntimeError):
    """Purging unpublished (or out-of-date) results would lose them; --force overrides."""


def default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return ""


def survey_key(codebook: Codebook) -> str:
    """The survey round's key: codebook key and round, e.g. ``pupil_survey_2024``."""
    key = codebook.key if codebook.key.endswith(codebook.round) else f"{codebook.key}_{codebook.round}"
    return re.sub(r"[^A-Za-z0-9_-]+", "-", key)[:64]


def get_survey(key: str) -> Survey:
    survey = Survey.objects.filter(key=key).first()
    if survey is None:
        known = ", ".join(Survey.objects.values_list("key", flat=True)) or "none yet"
        raise SurveyNotFound(
            f"no survey {key!r}. Surveys: {known}. Import one with `kasvu survey import CODEBOOK.yaml FILE`."
        )
    return survey


def survey_codebook(survey: Survey) -> Codebook:
    """The codebook stored with the survey (as it was when the responses were imported)."""
    return parse_codebook(yaml.safe_load(survey.codebook_yaml), file=f"codebook of survey {survey.key}")


# ---------------------------------------------------------------------------- import


def import_survey(
    codebook_path: str | Path,
    responses_path: str | Path,
    *,
    user: str = "",
    replace: bool = False,
) -> SurveyImport:
    """Validate ``responses_path`` against the codebook and store it as the survey round's microdata.

    Raises :class:`~kasvu.surveys.codebook.CodebookInvalid` or
    :class:`~kasvu.importers.base.ImportFailed` (naming file, row and field) before
    anything is written, and :class:`SurveyAlreadyImported` if the round has stored
    responses and ``replace`` is false. All or nothing.
    """
    codebook = load_codebook(codebook_path)
    responses = read_responses(responses_path, codebook)
    text = Path(codebook_path).read_text(encoding="utf-8")
    return store(responses, text, user=user, replace=replace)


def store(
    responses: SurveyResponses, codebook_yaml: str, *, user: str = "", replace: bool = False
) -> SurveyImport:
    """Store validated responses (one transaction). See :func:`import_survey`."""
    cb = responses.codebook
    key = survey_key(cb)
    path = Path(responses.source_file)
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().filter(key=key).first()
        now = timezone.now()
        if survey is not None:
            current = survey.current_import
            if current is not None and current.purged_at is None and not replace:
                raise SurveyAlreadyImported(
                    f"survey {key!r} already has {current.rows:,} responses from {current.file_name} "
                    f"(imported {current.imported_at:%Y-%m-%d %H:%M} by {current.imported_by or 'unknown'}). "
                    "Give --replace to replace them with this file."
                )
            if current is not None:
                _delete_rows(survey)
                survey.imports.filter(superseded_at__isnull=True).update(superseded_at=now)
        else:
            survey = Survey(key=key)
        survey.codebook_key = cb.key
        survey.round = cb.round
        survey.year = cb.year
        for lang in ("fi", "sv", "en"):
            setattr(survey, f"name_{lang}", cb.name.get(lang, ""))
        survey.codebook_yaml = codebook_yaml
        survey.generated = responses.generated
        survey.purged_at, survey.purged_by, survey.purged_rows = None, "", 0
        survey.save()
        questions = [q.id for q in cb.questions]
        imp = SurveyImport.objects.create(
            survey=survey,
            file_name=str(responses.source_file)[:500],
            file_sha256=digest,
            imported_by=user,
            rows=len(responses),
            generated=responses.generated,
            row_convention=responses.row_convention,
            questions=questions,
        )
        _insert(imp, responses.frame, questions)
    audit.info(
        "survey %s: %d responses imported from %s by %s", key, imp.rows, imp.file_name, user or "unknown"
    )
    return imp


def _answers_json(questions: list[str]) -> pl.Expr:
    """The answers as a JSON array text, built column-wise (no Python loop over respondents)."""
    parts: list[pl.Expr] = [pl.lit("[")]
    for i, q in enumerate(questions):
        if i:
            parts.append(pl.lit(","))
        parts.append(pl.col(q).cast(pl.String).fill_null("null"))
    parts.append(pl.lit("]"))
    return pl.concat_str(parts)


def _insert(imp: SurveyImport, frame: pl.DataFrame, questions: list[str]) -> None:
    cols = ["survey_import_id", "file_row", *STANDARD, "answers"]
    out = frame.select(
        pl.lit(imp.id, dtype=pl.Int64).alias("survey_import_id"),
        pl.col("row").alias("file_row"),
        *[pl.col(c) if c in frame.columns else pl.lit(None, dtype=pl.String).alias(c) for c in STANDARD],
        _answers_json(questions).alias("answers"),
    )
    if out.height == 0:
        return
    table = Response._meta.db_table
    if connection.vendor == "postgresql":
        buf = io.StringIO()
        out.write_csv(buf, include_header=False, null_value="")
        with connection.cursor() as cur:
            raw = cur.cursor  # psycopg cursor
            with raw.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN (FORMAT csv)") as copy:
                copy.write(buf.getvalue())
        return
    connection.ensure_connection()
    raw = connection.connection.cursor()  # the sqlite3 cursor, inside Django's transaction
    marks = ",".join("?" * len(cols))
    raw.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", out.iter_rows())


# ---------------------------------------------------------------------------- read


def may_read(reader: Any) -> bool:
    """Analysts (and administrators) and the command line may read microdata; nobody else."""
    if reader is COMMAND_LINE:
        return True
    from kasvu.access import is_analyst

    return is_analyst(reader)


def read(survey: Survey, reader: Any) -> SurveyResponses:
    """The stored responses of the survey's current import, as :func:`read_responses` returned them.

    ``reader`` is a user (must be an analyst) or :data:`COMMAND_LINE`.
    """
    if not may_read(reader):
        raise PermissionDenied("Only analysts may read survey microdata.")
    imp = survey.current_import
    if imp is None or imp.purged_at is not None or survey.purged_at is not None:
        when = (
            f" on {survey.purged_at:%Y-%m-%d %H:%M} by {survey.purged_by or 'unknown'}"
            if survey.purged_at
            else ""
        )
        raise MicrodataPurged(
            f"the responses of survey {survey.key!r} were purged{when}. The published figures stay in the "
            "bank; to estimate again, import the response file again."
        )
    codebook = survey_codebook(survey)
    answers = "answers::text" if connection.vendor == "postgresql" else "answers"
    sql = (
        f"SELECT file_row, {', '.join(STANDARD)}, {answers} FROM {Response._meta.db_table} "
        "WHERE survey_import_id = %s ORDER BY id"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [imp.id])
        rows = cur.fetchall()
    schema = {
        "row": pl.Int64,
        "area": pl.String,
        "school": pl.String,
        "grade": pl.Int8,
        "sex": pl.String,
        "age": pl.Int16,
        "weight": pl.Float64,
        "stratum": pl.String,
        "cluster": pl.String,
        "answers": pl.String,
    }
    raw = pl.DataFrame(rows, schema=schema, orient="row")
    r = codebook.respondent
    keep = ["row", "area", "school", "grade", "sex"]
    keep += ["age"] if r.age else []
    keep += ["weight"]
    keep += [c for c in ("stratum", "cluster") if getattr(r, c)]
    decoded = pl.col("answers").str.json_decode(pl.List(pl.Float64))
    position = {q: i for i, q in enumerate(imp.questions)}
    answer_cols = []
    for q in codebook.questions:
        value = decoded.list.get(position[q.id], null_on_oob=True)
        answer_cols.append((value.cast(pl.Int64) if q.type == "single_choice" else value).alias(q.id))
    frame = raw.select(*keep, *answer_cols)
    return SurveyResponses(
        frame=frame,
        codebook=codebook,
        source_file=imp.file_name,
        row_convention=imp.row_convention,
        generated=imp.generated,
    )


def stored_rows(survey: Survey) -> int:
    """How many responses of the survey are stored (a count, no data)."""
    return Response.objects.filter(survey_import__survey=survey).count()


# ---------------------------------------------------------------------------- purge


def _delete_rows(survey: Survey) -> int:
    deleted, _ = Response.objects.filter(survey_import__survey=survey).delete()
    return deleted


def purge(survey: Survey, *, user: str = "", force: bool = False) -> int:
    """Delete the survey's microdata; the published figures stay in the bank. Returns rows deleted.

    Refuses (:class:`SurveyNotPublished`) unless the current import's results are
    published, or ``force``. Logs counts, who and when to ``kasvu.audit``.
    """
    if not survey.is_published and not force:
        state = (
            "its results are not published"
            if survey.published_at is None
            else "responses were imported after the last publication"
        )
        raise SurveyNotPublished(
            f"survey {survey.key!r}: {state}, so purging would lose them. Run `kasvu survey publish "
            f"{survey.key}` first, or give --force to delete the responses anyway."
        )
    with transaction.atomic():
        deleted = _delete_rows(survey)
        now = timezone.now()
        survey.imports.filter(purged_at__isnull=True).update(purged_at=now)
        survey.purged_at, survey.purged_by, survey.purged_rows = now, user, deleted
        survey.save(update_fields=["purged_at", "purged_by", "purged_rows"])
    audit.info(
        "survey %s: %d responses purged by %s at %s%s",
        survey.key,
        deleted,
        user or "unknown",
        now.isoformat(timespec="seconds"),
        " (forced, results not published)" if force and not survey.is_published else "",
    )
    return deleted
