"""The synthetic data generator is seeded, labelled GENERATED and has the design's hard parts."""

from __future__ import annotations

import polars as pl

from kasvu.surveys.codebook import Codebook
from kasvu.surveys.generate import extend_codebook, generate_responses


def test_same_seed_same_data(codebook: Codebook) -> None:
    a = generate_responses(codebook, 300, seed=5)
    b = generate_responses(codebook, 300, seed=5)
    assert a.equals(b)
    assert not a.equals(generate_responses(codebook, 300, seed=6))


def test_generated_data_is_labelled_and_realistic(codebook: Codebook) -> None:
    frame = generate_responses(codebook, 3000, seed=1)
    assert (frame["generated"] == 1).all()
    schools_per_muni = frame.group_by("kunta").agg(pl.col("koulu").n_unique())
    assert schools_per_muni["koulu"].min() == 1  # Pornainen: a stratum with a single PSU
    assert frame["paino"].min() > 0 and frame["paino"].max() / frame["paino"].min() > 3
    assert frame["luokka"].is_between(1, 6).all()
    assert (frame["kaverit"] == 9).any() and frame["kaverit"].is_nan().any()


def test_extended_codebook_for_the_benchmark(codebook: Codebook) -> None:
    big = extend_codebook(codebook, 100)
    assert len(big.indicators) == 100
    assert len({i.key for i in big.indicators}) == 100
    assert {i.question for i in big.indicators} <= {q.id for q in big.questions}
