"""kasvu serve: the production server (gunicorn), or Django's development server with --dev."""

from __future__ import annotations

import multiprocessing
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve kasvu with gunicorn (static files by WhiteNoise). Use --dev for auto-reload."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=min(4, multiprocessing.cpu_count() * 2))
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
                self.cfg.set("timeout", 120)
                self.cfg.set("accesslog", "-")

            def load(self) -> Any:
                return application

        self.stdout.write(f"kasvu serving on http://{opts['host']}:{opts['port']}/ (Ctrl+C stops)")
        Server().run()
