"""The job after every change (kasvu.precompute): profiles computed ahead, so no visitor pays."""

from __future__ import annotations

import threading

from kasvu import precompute
from kasvu.bank.models import Area


def test_the_job_computes_every_current_areas_profile_and_the_page_uses_it(client, demo_data):
    seen: list[int] = []
    state = precompute.run(progress=lambda s: seen.append(s.done), languages=["en"])
    current = Area.objects.filter(kind__in=precompute.KINDS, valid_to__isnull=True).count()
    assert state.total == current == state.done and seen[-1] == current and not state.running
    assert "precomputed for visitors" in state.line() and "(en)" in state.line()
    page = client.get("/en/areas/municipality/755/")
    assert page.status_code == 200
    assert "profile;dur=0.0" in page["Server-Timing"]  # nothing computed: the summary came from the cache
    html = page.content.decode()
    assert "Siuntio" in html and "Region" in html


def test_a_summary_is_for_one_data_version(demo_data):
    from .conftest import load_demo

    first = precompute.profile_summary(Area.objects.get(kind="municipality", code="755").id, lang="fi")
    assert first.timings.get("cached") is None
    again = precompute.profile_summary(first.area.id, lang="fi")
    assert again.timings.get("cached") == 1.0
    load_demo(keys=("demo:child-welfare-notifications",), codes=["755"])  # a new data version
    fresh = precompute.profile_summary(first.area.id, lang="fi")
    assert fresh.timings.get("cached") is None


def test_requests_inside_deferred_start_one_job_at_the_end(monkeypatch, settings):
    settings.KASVU = {**settings.KASVU, "PRECOMPUTE": True}
    calls: list[str] = []
    release = threading.Event()

    def fake_run(progress=None, languages=None):
        calls.append(threading.current_thread().name)
        release.wait(5)
        return precompute.Progress(done=3, total=3, languages=("fi",))

    monkeypatch.setattr(precompute, "run", fake_run)
    monkeypatch.setattr(precompute, "_THREAD", None)
    before = precompute.requests_so_far()
    with precompute.deferred():
        precompute.request()
        precompute.request()
        assert precompute._THREAD is None  # nothing started while storing
    release.set()
    lines: list[str] = []
    precompute.report(lines.append, since=before)
    assert calls == ["kasvu-precompute"]
    assert lines == [
        "precomputed for visitors: 3 of 3 area profiles (fi; internal view: fi), with their group values and ranking bands, in 0.0 s"
    ]
    precompute.report(lines.append, since=precompute.requests_so_far())  # nothing new: nothing said
    assert len(lines) == 1


def test_off_in_tests_unless_asked():
    assert not precompute.enabled()


def test_a_change_of_a_groups_members_asks_for_a_job_once_committed(
    db, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from kasvu.bank.areas import create_group
    from kasvu.bank.models import Membership

    settings.KASVU = {**settings.KASVU, "PRECOMPUTE": True}
    asked: list[int] = []
    monkeypatch.setattr(precompute, "request", lambda **_: asked.append(1))
    group = create_group("west", {"fi": "Länsi"}, ["444", "927"])
    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.filter(group=group).first().delete()  # as the admin would
    assert asked


def test_a_finished_job_marks_its_data_version_and_one_process_claims_it(demo_data):
    from .conftest import load_demo

    assert not precompute.done(["en"])
    precompute.run(languages=["en"])
    assert precompute.done(["en"]) and not precompute.done(["fi", "en"])
    assert precompute.claim() and not precompute.claim()  # a second server starts no second job
    load_demo(keys=("demo:child-welfare-notifications",), codes=["755"])  # a new data version
    assert not precompute.done(["en"]) and precompute.claim()


def test_requests_inside_skipped_start_no_job(monkeypatch, settings):
    settings.KASVU = {**settings.KASVU, "PRECOMPUTE": True}
    monkeypatch.setattr(precompute, "_THREAD", None)
    before = precompute.requests_so_far()
    with precompute.skipped():
        precompute.request()
        with precompute.deferred():
            precompute.request()
    assert precompute._THREAD is None and precompute.requests_so_far() == before


def test_if_needed_computes_once_per_data_version(demo_data):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("precompute", "--if-needed", "--language", "en", stdout=out)
    assert "precomputed for visitors" in out.getvalue()
    again = StringIO()
    call_command("precompute", "--if-needed", "--language", "en", stdout=again)
    assert again.getvalue() == ""
