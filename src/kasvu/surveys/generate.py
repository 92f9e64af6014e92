"""Seeded synthetic pupil-survey responses for tests, the demo and the benchmark.

The data are GENERATED, never real: every row has ``generated = 1`` and files
written by :func:`write_responses` say so in their metadata (SPSS file label,
Excel sheet name). They imitate what makes real survey data hard: schools
(clusters) nested in municipalities (strata), school and municipality effects
on the answers, trends by grade and differences by sex, item non-response and
"don't know" codes, nonresponse weights that vary by school and grade, and a
municipality with a single school (a lonely PSU).

Municipalities and schools come from the codebook (``areas`` and ``schools``);
school sizes follow the municipalities' 2025 populations in
``kasvu/data/population``.
"""

from __future__ import annotations

import csv
import dataclasses
from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl

from kasvu.surveys.codebook import Codebook, Question
from kasvu.surveys.responses import GENERATED_COLUMN

GENERATED_LABEL = "GENERATED synthetic data (kasvu.surveys.generate) - not real responses"


def municipality_populations() -> dict[str, int]:
    """Population on 31.12.2025 by municipality code (Statistics Finland, bundled)."""
    ref = resources.files("kasvu.data").joinpath("population/kuntien-vakiluku-linkkitausta.csv")
    with ref.open(encoding="utf-8") as fh:
        return {row["code"]: int(row["population2025"]) for row in csv.DictReader(fh)}


def generate_responses(codebook: Codebook, n: int = 5000, *, seed: int = 2024) -> pl.DataFrame:
    """``n`` synthetic respondents with the columns the codebook expects (plus ``generated``)."""
    if not codebook.schools:
        raise ValueError("the generator needs the codebook's 'schools:' mapping (school -> municipality).")
    rng = np.random.default_rng(seed)
    r = codebook.respondent
    pops = municipality_populations()
    schools = np.array(sorted(codebook.schools))
    munis = np.array([codebook.schools[s] for s in schools])
    lo, hi = codebook.population.grades
    grades = np.arange(lo, hi + 1)

    # Pupils per school and grade: ~1.1 % of the population per age cohort, shared unevenly.
    share = np.empty(len(schools))
    for m in np.unique(munis):
        idx = np.flatnonzero(munis == m)
        share[idx] = rng.dirichlet(np.full(len(idx), 3.0)) * pops.get(str(m), 10_000) * 0.011
    pupils = np.maximum(share[:, None] * rng.uniform(0.9, 1.1, (len(schools), len(grades))), 3.0)
    if n > 0.8 * pupils.sum():  # benchmark-sized requests: imagine a larger region with the same schools
        pupils *= n / (0.8 * pupils.sum())
    response_rate = rng.beta(8, 3, len(schools))[:, None] * np.linspace(0.9, 1.0, len(grades))[None, :]
    expected = (pupils * response_rate).ravel()
    counts = rng.multinomial(n, expected / expected.sum())
    cell = np.repeat(np.arange(counts.size), counts)
    s_idx, g_idx = np.divmod(cell, len(grades))
    # Nonresponse weight: pupils of the school and grade per respondent, perturbed as calibration would.
    weight = (pupils.ravel() / np.maximum(counts, 1))[cell] * rng.uniform(0.85, 1.15, n)

    sex = rng.choice([1, 2, 3, 9], size=n, p=[0.485, 0.485, 0.015, 0.015])
    grade = grades[g_idx]
    out: dict[str, np.ndarray] = {}
    if r.municipality:
        out[r.municipality] = munis[s_idx]
    if r.school:
        out[r.school] = schools[s_idx]
    out[r.grade] = grade
    if r.sex:
        out[r.sex.column] = sex
    if r.weight:
        out[r.weight] = np.round(weight, 6)

    muni_codes, muni_idx = np.unique(munis, return_inverse=True)
    for q in codebook.questions:
        school_eff = rng.normal(0, 0.3, len(schools))[s_idx]
        muni_eff = rng.normal(0, 0.2, len(muni_codes))[muni_idx][s_idx]
        trend = rng.normal(0, 0.15) * (grade - grade.mean())
        girl = rng.normal(0, 0.3) * (sex == 1)
        latent = school_eff + muni_eff + trend + girl + rng.logistic(0, 1, n)
        out[q.column] = _answers(q, latent, grade, rng)
    frame = pl.DataFrame(out)
    return frame.with_columns(pl.lit(1, dtype=pl.Int8).alias(GENERATED_COLUMN))


def _answers(q: Question, latent: np.ndarray, grade: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Answer codes from a latent score: ordered options, missing codes, empty cells (NaN)."""
    n = latent.size
    if q.type == "single_choice":
        codes = np.array(sorted(q.codes))
        # Cumulative probabilities tilted towards the first (usually the "good") option.
        probs = rng.dirichlet(np.linspace(4.0, 1.0, codes.size))
        cuts = np.log(np.cumsum(probs)[:-1] / (1 - np.cumsum(probs)[:-1]))
        values = codes[np.searchsorted(cuts, latent)].astype(np.float64)
    else:
        lo = q.minimum if q.minimum is not None else 0.0
        hi = q.maximum if q.maximum is not None else 10.0
        span = min(hi - lo, 8.0)  # screen hours 0-24 behave like a 0-8 scale
        centre = lo + span * rng.uniform(0.3, 0.6)
        values = np.clip(np.round(centre + latent * span / 8 + 0.2 * (grade - 3.5)), lo, hi)
    if q.missing:
        dont_know = rng.random(n) < 0.01 + 0.01 * (grade <= 2)
        values[dont_know] = min(q.missing)
    values[rng.random(n) < 0.01] = np.nan  # skipped question
    return values


def extend_codebook(codebook: Codebook, n_items: int) -> Codebook:
    """The codebook with its questions and indicators repeated until there are ``n_items`` indicators.

    Copies get ids like ``kaverit_r2``; used by the benchmark (100 items).
    """
    questions = list(codebook.questions)
    indicators = list(codebook.indicators)
    base_i = list(codebook.indicators)
    copy = 2
    while len(indicators) < n_items:
        for ind in base_i:
            if len(indicators) >= n_items:
                break
            q = codebook.question(ind.question)
            qid = f"{q.id}_r{copy}"
            if all(x.id != qid for x in questions):
                questions.append(dataclasses.replace(q, id=qid, column=qid))
            indicators.append(dataclasses.replace(ind, key=f"{ind.key}_r{copy}", question=qid))
        copy += 1
    return dataclasses.replace(codebook, questions=tuple(questions), indicators=tuple(indicators[:n_items]))


def write_responses(frame: pl.DataFrame, path: str | Path) -> Path:
    """Write generated responses as CSV (UTF-8, comma), XLSX or SAV by suffix, marked as generated."""
    path = Path(path)
    suffix = path.suffix.lower()
    frame = frame.fill_nan(None)
    if suffix == ".csv":
        frame.write_csv(path)
    elif suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("GENERATED")
        sheet.append(frame.columns)
        for row in frame.iter_rows():
            sheet.append(list(row))
        book.save(path)
    elif suffix == ".sav":
        import pyreadstat

        pyreadstat.write_sav(frame, str(path), file_label=GENERATED_LABEL[:64])
    else:
        raise ValueError(f"write_responses: unknown suffix {suffix!r}; use .csv, .xlsx or .sav.")
    return path
