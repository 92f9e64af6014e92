"""The Sotkanet client against recorded real responses (never the network)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from kasvu.importers.base import ImportFailed
from kasvu.importers.sotkanet import SotkanetClient, SotkanetUnavailable, parse_regions

from .conftest import DATA

FIXTURES = DATA / "sotkanet_fixtures"


def recorded(path: str, params: httpx.QueryParams) -> bytes:
    if path.endswith("/regions"):
        return (FIXTURES / "sotkanet_regions_fixture.json").read_bytes()
    if path.endswith("/json"):
        indicator = params["indicator"]
        years = params.get_list("years")
        name = (
            "sotkanet_127_g2_fixture.json"
            if indicator == "127" and len(years) > 1
            else f"sotkanet_{indicator}_fixture.json"
        )
        path_ = FIXTURES / name
        return path_.read_bytes() if path_.exists() else b"[]"
    if "/indicators/" in path:
        meta = json.loads((DATA / "sotkanet_metadata" / "indicators_metadata.json").read_text())
        return json.dumps(meta["indicators"][path.rsplit("/", 1)[1]]).encode()
    raise AssertionError(path)


class Recorder:
    """A MockTransport handler that serves recorded responses after scripted failures."""

    def __init__(self, failures: list[int | type[Exception]] | None = None, always: int | None = None):
        self.failures = list(failures or [])
        self.always = always
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.always is not None:
            return httpx.Response(self.always, text="Internal Server Error")
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, int):
                return httpx.Response(failure, text="error")
            raise failure("simulated", request=request)
        return httpx.Response(200, content=recorded(request.url.path, request.url.params))


def make_client(handler: Recorder, sleeps: list[float], **kwargs: object) -> SotkanetClient:
    return SotkanetClient(transport=httpx.MockTransport(handler), sleep=sleeps.append, **kwargs)  # type: ignore[arg-type]


def test_sends_user_agent_and_repeated_parameters() -> None:
    handler, sleeps = Recorder(), []
    with make_client(handler, sleeps) as client:
        rows = client.data(127, [2019, 2023], ["total"])
    request = handler.requests[0]
    assert "kasvu" in request.headers["user-agent"]
    assert request.url.path == "/rest/1.1/json"
    assert request.url.params.get_list("years") == ["2019", "2023"]
    assert request.url.params.get_list("genders") == ["total"]
    assert len(rows) == 10


def test_a_500_then_success_is_retried_with_backoff_and_parsed() -> None:
    handler, sleeps = Recorder(failures=[500]), []
    with make_client(handler, sleeps, min_interval=0) as client:
        rows = client.data(171, [2019, 2023])
    assert len(handler.requests) == 2
    assert sleeps == [0.5]
    assert rows[0] == {
        "indicator": 171,
        "region": 46,
        "year": 2019,
        "gender": "total",
        "value": 7.4,
        "absValue": 48189,
    }


def test_timeouts_and_connection_errors_are_retried() -> None:
    handler, sleeps = Recorder(failures=[httpx.ReadTimeout, httpx.ConnectError, 503]), []
    with make_client(handler, sleeps, min_interval=0) as client:
        regions = parse_regions(client.regions())
    assert len(handler.requests) == 4
    assert sleeps == [0.5, 1.0, 2.0]
    assert regions.height == 7


def test_always_500_raises_a_clear_error() -> None:
    handler, sleeps = Recorder(always=500), []
    with (
        make_client(handler, sleeps, attempts=4, min_interval=0) as client,
        pytest.raises(SotkanetUnavailable) as exc,
    ):
        client.data(127, [2023])
    message = str(exc.value)
    assert "https://sotkanet.fi/rest/1.1/json?indicator=127&years=2023&genders=total" in message
    assert "4 attempts" in message and "HTTP 500" in message
    assert "try again later" in message and "import the files" in message
    assert len(handler.requests) == 4
    assert isinstance(exc.value, ImportFailed)


def test_403_is_not_retried_and_mentions_the_user_agent() -> None:
    handler, sleeps = Recorder(always=403), []
    with make_client(handler, sleeps) as client, pytest.raises(ImportFailed, match="User-Agent"):
        client.regions()
    assert len(handler.requests) == 1


def test_empty_user_agent_is_refused() -> None:
    with pytest.raises(ValueError, match="User-Agent"):
        SotkanetClient(user_agent=" ")


def test_cache_hit_makes_no_request(tmp_path: Path) -> None:
    handler, sleeps = Recorder(), []
    with make_client(handler, sleeps, cache_dir=tmp_path) as client:
        first = client.data(5513, [2023])
    with make_client(handler, sleeps, cache_dir=tmp_path) as client:
        second = client.data(5513, [2023])
        assert client.requests_made == 0
    assert first == second
    assert len(handler.requests) == 1
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_refresh_bypasses_the_cache(tmp_path: Path) -> None:
    handler, sleeps = Recorder(), []
    with make_client(handler, sleeps, cache_dir=tmp_path) as client:
        client.regions()
    with make_client(handler, sleeps, cache_dir=tmp_path, refresh=True) as client:
        client.regions()
    assert len(handler.requests) == 2


def test_cache_key_includes_parameters(tmp_path: Path) -> None:
    handler, sleeps = Recorder(), []
    with make_client(handler, sleeps, cache_dir=tmp_path, min_interval=0) as client:
        client.data(127, [2023])
        client.data(127, [2019, 2023])
    assert len(handler.requests) == 2


def test_polite_interval_between_requests() -> None:
    now = [100.0]
    handler, sleeps = Recorder(), []
    client = SotkanetClient(
        transport=httpx.MockTransport(handler), sleep=sleeps.append, clock=lambda: now[0], min_interval=1.0
    )
    client.regions()
    now[0] += 0.25
    client.data(127, [2023])
    assert sleeps == [0.75]


def test_fetch_returns_a_batch_with_metadata() -> None:
    handler, sleeps = Recorder(), []
    with make_client(handler, sleeps, min_interval=0) as client:
        batch = client.fetch(5051, [2023])  # real metadata; no recorded data rows for 5051
    assert batch.indicators[0].key == "sotkanet:5051"
    assert batch.observations.height == 0
    assert batch.area_scheme == "sotkanet"
    assert batch.source_url.startswith("https://sotkanet.fi/rest/1.1/json?indicator=5051")


def test_invalid_json_from_server_names_the_url() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text='[{"indicator": 127, "reg')

    client = SotkanetClient(transport=httpx.MockTransport(handler), sleep=lambda s: None)
    with pytest.raises(ImportFailed, match=r"rest/1.1/regions: invalid JSON at line 1 column \d+"):
        client.regions()


def test_a_busy_answer_waits_as_long_as_retry_after_asks() -> None:
    # The same transport as the PxWeb client's (kasvu.importers.http): Retry-After is honoured, up to 60 s.
    answers = [httpx.Response(429, headers={"Retry-After": "7"}, text="busy")]

    def handler(request: httpx.Request) -> httpx.Response:
        return (
            answers.pop(0)
            if answers
            else httpx.Response(200, content=recorded(request.url.path, request.url.params))
        )

    sleeps: list[float] = []
    client = SotkanetClient(transport=httpx.MockTransport(handler), sleep=sleeps.append, min_interval=0)
    assert len(parse_regions(client.regions())) == 7
    assert sleeps == [7.0]
