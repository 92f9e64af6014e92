"""Search in three languages with Finnish inflection, on SQLite (FTS5) and PostgreSQL; filters combine."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection

from kasvu.knowledge import search
from kasvu.knowledge.models import Entry
from kasvu.knowledge.services import EntryFilters, search_entries
from kasvu.search.morphology import normalise_finnish_stem, query_groups

pytestmark = pytest.mark.django_db


def titles(user, **filters) -> set[str]:
    return {e.title_fi for e in search_entries(user, EntryFilters(**filters))}


def test_the_backend_under_test_is_the_one_configured():
    assert connection.vendor in ("sqlite", "postgresql")


def test_perhekeskuksen_finds_perhekeskus(bank, viewer):
    assert "Perhekeskus" in titles(viewer, query="perhekeskuksen")
    assert "Perhekeskus" in titles(AnonymousUser(), query="perhekeskuksen")


@pytest.mark.parametrize(
    "query", ["perhekeskus", "Perhekeskuksessa", "perhekeskukset", "familjecentralen", "family centres"]
)
def test_inflected_forms_in_three_languages(bank, viewer, query):
    assert "Perhekeskus" in titles(viewer, query=query)


def test_words_in_descriptions_and_funders_are_found(bank, viewer):
    assert titles(viewer, query="perhekeskusten kehittäminen") == {"Lapsuuden arvokas arki – ARVO"}
    assert titles(viewer, query="Kaste-ohjelman") == {"Lapsen ääni"}
    assert titles(viewer, query="LAPSEN ÄÄNI") == {"Lapsen ääni"}


def test_nothing_found_for_unrelated_words(bank, viewer):
    assert titles(viewer, query="avaruusmatkailu") == set()


def test_filters_combine(bank, viewer, area):
    everything = titles(viewer)
    assert len(everything) == 5
    assert titles(viewer, kinds=("project",)) == {"Lapsen ääni", "Lapsuuden arvokas arki – ARVO"}
    assert titles(viewer, kinds=("project",), area_id=area("106").id) == {"Lapsen ääni"}
    assert titles(viewer, kinds=("project",), right="care") == {"Lapsuuden arvokas arki – ARVO"}
    # period: ARVO 2007–2009, Lapsen ääni 2009–2011
    assert titles(viewer, kinds=("project",), year_from=2010) == {"Lapsen ääni"}
    assert titles(viewer, kinds=("project",), year_to=2008) == {"Lapsuuden arvokas arki – ARVO"}
    assert titles(
        viewer,
        query="perhekeskusten",
        kinds=("project",),
        area_id=area("444").id,
        right="care",
        year_from=2008,
        year_to=2009,
    ) == {"Lapsuuden arvokas arki – ARVO"}
    assert titles(viewer, query="perhekeskusten", kinds=("project",), right="participation") == set()


def test_a_region_filter_finds_entries_of_its_municipalities(bank, viewer, area):
    uusimaa = area("01", kind="region")
    assert "Ulappa-verkosto" in titles(viewer, area_id=uusimaa.id)  # Kirkkonummi is in Uusimaa


def test_anonymous_search_never_returns_experts(bank, viewer):
    assert "Esimerkki Asiantuntija (generated)" in titles(viewer, query="asiantuntija")
    assert titles(AnonymousUser(), query="asiantuntija") == set()
    assert titles(AnonymousUser(), kinds=("expert",)) == set()


def test_index_follows_saves_and_deletes(bank, viewer):
    entry = bank["ulappa"]
    entry.title_fi = "Neuvolaverkosto"
    entry.save()
    assert titles(viewer, query="neuvolaverkoston") == {"Neuvolaverkosto"}
    assert titles(viewer, query="ulappa") == set()
    entry.delete()
    assert titles(viewer, query="neuvolaverkoston") == set()


def test_reindex_command_rebuilds_the_index(bank, viewer):
    if search.uses_fts5():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {search.FTS_TABLE}")
        assert titles(viewer, query="perhekeskuksen") == set()
    Entry.objects.filter(pk=bank["perhekeskus"].pk).update(search_terms="")
    call_command("knowledge", "reindex")
    assert "Perhekeskus" in titles(viewer, query="perhekeskuksen")


def test_stemming_joins_finnish_word_types():
    assert normalise_finnish_stem("perhekeskuks") == "perhekeskus"
    assert normalise_finnish_stem("osallisuud") == "osallisuus"
    assert normalise_finnish_stem("kun") == "kun"
    assert [("perhekeskus",) in group for group in query_groups("perhekeskuksen")] == [True]
