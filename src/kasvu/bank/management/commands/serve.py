"""kasvu serve: the production server (gunicorn), or Django's development server with --dev."""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve kasvu with gunicorn (static files by WhiteNoise). Use --dev for auto-reload."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=min(4, multiprocessing.cpu_count() * 2))
        parser.add_argument(
            "--threads", type=int, default=4,
            help="Threads per worker (gunicorn's gthread worker; 1: the sync worker). Threads keep "
            "connections alive between requests and answer cached pages while another thread waits.",
        )  # fmt: skip
        parser.add_argument(
            "--access-log", action="store_true", help="Log every request (a proxy in front usually does)."
        )
        parser.add_argument(
            "--dev", action="store_true", help="Django's development server with auto-reload."
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["dev"]:
            call_command("runserver", f"{opts['host']}:{opts['port']}")
            return
        from gunicorn.app.base import BaseApplication

        from kasvu.wsgi import application

        class Server(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                self.cfg.set("bind", f"{opts['host']}:{opts['port']}")
                self.cfg.set("workers", opts["workers"])
                if opts["threads"] > 1:
                    self.cfg.set("worker_class", "gthread")
                    self.cfg.set("threads", opts["threads"])
                    self.cfg.set("keepalive", 5)
                self.cfg.set("timeout", 120)
                if opts["access_log"]:
                    self.cfg.set("accesslog", "-")
                self.cfg.set("post_worker_init", _warm_worker)

            def load(self) -> Any:
                return application

        self.stdout.write(f"kasvu serving on http://{opts['host']}:{opts['port']}/ (Ctrl+C stops)")
        self._precompute_in_background()
        Server().run()

    def _precompute_in_background(self) -> None:
        """When the current data version has not been computed ahead (after `kasvu demo load`, a restored
        database, an emptied cache): `kasvu precompute --if-needed` in a process of its own, at a lower
        priority, while the server answers (pages compute themselves until it is done)."""
        import subprocess
        import sys

        from django.db import connections

        from kasvu import precompute

        try:
            needed = precompute.enabled() and not precompute.done()
        except Exception as exc:  # an unmigrated database: nothing to compute
            self.stdout.write(f"not precomputing: {exc}")
            needed = False
        finally:
            connections.close_all()  # the workers are forked from this process: no shared connections
        if needed:
            subprocess.Popen(  # noqa: S603 - our own command
                [sys.executable, "-m", "kasvu.cli", "precompute", "--if-needed"],
                preexec_fn=lambda: os.nice(10),  # noqa: PLW1509 - before gunicorn starts any thread
            )


def _warm_worker(worker: Any) -> None:
    """Before a new worker takes requests: compile the page templates and the URL map, import the views.

    Without it the first page each worker serves pays ~0.5–1 s for what every later page reuses.
    """
    from django.template.loader import get_template
    from django.urls import get_resolver

    import kasvu.web.views.areas
    import kasvu.web.views.indicators  # noqa: F401

    get_resolver().url_patterns  # noqa: B018 - builds the URL map
    for name in ("kasvu/profile.html", "kasvu/indicator.html", "kasvu/home.html", "kasvu/areas.html"):
        get_template(name)
    try:  # one profile per language, built by the view itself (a request would be answered by the page
        # cache, warming nothing): the read model's metadata, the page code, each language's catalogue
        from django.contrib.auth.models import AnonymousUser
        from django.test import RequestFactory
        from django.utils import translation

        from kasvu.bank.models import Area
        from kasvu.web.views.areas import profile

        first = Area.objects.filter(kind="municipality", valid_to__isnull=True).order_by("code").first()
        if first is not None:
            for code, _name in settings.LANGUAGES:
                request = RequestFactory(HTTP_HOST="127.0.0.1").get(f"/areas/municipality/{first.code}/")
                request.user = AnonymousUser()
                with translation.override(code):
                    profile(request, "municipality", first.code)
    except Exception as exc:  # an empty or unmigrated database: nothing to warm
        worker.log.info("warm-up skipped: %s", exc)
    finally:
        from django.db import connections

        connections.close_all()
