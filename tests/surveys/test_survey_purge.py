"""`kasvu survey purge`: microdata go, published figures stay; refused before publication unless
--force; logged with counts, who and when, never the data."""

from __future__ import annotations

import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kasvu.bank.models import Observation
from kasvu.surveys import microdata
from kasvu.surveys.models import Response

from .conftest import KEY, RESPONDENTS, db_state

pytestmark = pytest.mark.django_db


def test_purge_refuses_unpublished_results_unless_forced(imported):
    before = db_state()
    with pytest.raises(CommandError, match="not published, so purging would lose them.*--force"):
        call_command("survey", "purge", KEY)
    assert db_state() == before
    call_command("survey", "purge", KEY, "--force", "--user", "analyst1")
    assert Response.objects.count() == 0


def test_purge_removes_microdata_and_keeps_published_indicators(published, caplog):
    values = sorted(
        Observation.objects.values_list("indicator__key", "area_id", "breakdown_id", "value", "flags")
    )
    with caplog.at_level(logging.INFO, logger="kasvu.audit"):
        call_command("survey", "purge", KEY, "--user", "analyst1")
    assert Response.objects.count() == 0
    assert (
        sorted(Observation.objects.values_list("indicator__key", "area_id", "breakdown_id", "value", "flags"))
        == values
    )
    published.refresh_from_db()
    assert (published.purged_rows, published.purged_by) == (RESPONDENTS, "analyst1")
    assert published.purged_at is not None and published.current_import.purged_at is not None
    log = [r.getMessage() for r in caplog.records if "purged" in r.getMessage()]
    assert log == [
        f"survey {KEY}: {RESPONDENTS} responses purged by analyst1 at {published.purged_at.isoformat(timespec='seconds')}"
    ]


def test_after_purge_estimates_and_publishing_say_to_import_again(published):
    call_command("survey", "purge", KEY)
    for action in ("estimate", "publish"):
        with pytest.raises(CommandError, match="were purged on .* import the response file again"):
            call_command("survey", action, KEY)
    with pytest.raises(microdata.MicrodataPurged):
        microdata.read(published, microdata.COMMAND_LINE)


def test_a_newer_import_makes_the_publication_out_of_date(published, responses_csv):
    from .conftest import CODEBOOK

    call_command("survey", "import", str(CODEBOOK), str(responses_csv), "--replace")
    with pytest.raises(CommandError, match="imported after the last publication"):
        call_command("survey", "purge", KEY)
