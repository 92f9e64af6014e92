"""Configuration read once from the environment, with typed casts.

Every setting kasvu reads from the environment is here, so that a newcomer
finds them in one place (see ``docs/configuration.md``).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

SECRET_KEY_FILE = "secret_key"


class ConfigError(Exception):
    """An environment variable has a value kasvu cannot use."""


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} has value {raw!r}. Not a valid bool: use 1/0, true/false, yes/no or on/off.")


def _rate(name: str, default: str) -> tuple[int, int]:
    """A limit "requests/seconds" of two positive whole numbers, e.g. KASVU_RATE_LIMIT_LOGIN=10/300."""
    raw = os.environ.get(name) or default
    try:
        requests, seconds = (int(x) for x in raw.split("/"))
    except ValueError:
        requests = seconds = 0
    if requests < 1 or seconds < 1:
        raise ConfigError(
            f"{name} has value {raw!r}. Not a valid rate limit: write requests/seconds, e.g. {name}={default}."
        )
    return requests, seconds


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise ConfigError(f"{name} must be a positive number of seconds, e.g. 10 (got {raw!r}).")
    return value


def _list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Scope in kasvu.api.ratelimit -> (environment variable, default "requests/seconds").
RATE_LIMIT_VARIABLES = {
    "login": ("KASVU_RATE_LIMIT_LOGIN", "10/300"),  # per client address and per username
    "api_anonymous": ("KASVU_RATE_LIMIT_API_ANONYMOUS", "300/60"),  # per client address
    "api_token": ("KASVU_RATE_LIMIT_API_TOKEN", "1200/60"),  # per token
    "api_token_attempts": ("KASVU_RATE_LIMIT_API_TOKEN_ATTEMPTS", "1200/60"),  # per client address
}


@dataclass(frozen=True)
class Config:
    data_dir: Path
    database_url: str | None
    debug: bool
    demo: bool
    secret_key: str | None
    allowed_hosts: list[str]
    https: bool
    hsts_seconds: int
    cache_dir: Path
    rate_limits: dict[str, tuple[int, int]]
    report_templates: list[Path]
    redis_url: str | None = None
    cache_prefix: str = "kasvu"
    replica_urls: list[str] = field(default_factory=list)
    replica_max_lag: float = 10.0
    precompute: bool = True
    page_state_ttl: float = 1.0

    @classmethod
    def from_env(cls) -> Config:
        data_dir = Path(os.environ.get("KASVU_DATA_DIR", "var")).resolve()
        demo = _bool("KASVU_DEMO", False)
        try:
            hsts = int(os.environ.get("KASVU_HSTS_SECONDS", "0"))
        except ValueError as exc:
            raise ConfigError("KASVU_HSTS_SECONDS must be a whole number of seconds, e.g. 31536000.") from exc
        return cls(
            data_dir=data_dir,
            database_url=os.environ.get("KASVU_DATABASE_URL") or None,
            debug=_bool("KASVU_DEBUG", False),  # never implied by the demo: decision-makers see it first
            demo=demo,
            secret_key=os.environ.get("KASVU_SECRET_KEY") or None,
            allowed_hosts=_list("KASVU_ALLOWED_HOSTS", ["127.0.0.1", "localhost"]),
            https=_bool("KASVU_HTTPS", False),
            hsts_seconds=hsts,
            cache_dir=Path(os.environ.get("KASVU_CACHE_DIR", str(data_dir / "cache"))),
            rate_limits={
                scope: _rate(name, default) for scope, (name, default) in RATE_LIMIT_VARIABLES.items()
            },
            report_templates=[
                Path(p) for p in os.environ.get("KASVU_REPORT_TEMPLATES", "").split(os.pathsep) if p.strip()
            ],
            redis_url=os.environ.get("KASVU_REDIS_URL") or None,
            cache_prefix=os.environ.get("KASVU_CACHE_PREFIX") or "kasvu",
            replica_urls=_list("KASVU_DATABASE_REPLICA_URLS", []),
            replica_max_lag=_seconds("KASVU_REPLICA_MAX_LAG", 10.0),
            precompute=_bool("KASVU_PRECOMPUTE", True),
            page_state_ttl=_seconds("KASVU_PAGE_STATE_TTL", 1.0),
        )


def local_secret_key(data_dir: Path) -> str:
    """The secret key kept in ``data_dir/secret_key``, made on first use.

    For the ``kasvu`` command in a folder of its own (``kasvu migrate && kasvu areas list`` with no
    environment set). Servers set ``KASVU_SECRET_KEY`` themselves: the key signs sessions and password
    reset links, and several server machines must share one key that no data folder copy gives away.
    The file is created readable by its owner only.
    """
    path = data_dir / SECRET_KEY_FILE
    try:
        key = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    return key
