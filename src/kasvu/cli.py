"""The ``kasvu`` command: Django's management commands behind one name.

``kasvu migrate``, ``kasvu import sotkanet ...``, ``kasvu serve`` and every
other command run through here with kasvu's settings preselected.

The command is for people, not for Django developers: a failure is one line
on standard error that says what went wrong (``--traceback`` or
``KASVU_DEBUG=1`` shows the traceback), and a reader that stops early
(``kasvu areas list | head``) is not an error.
"""

from __future__ import annotations

import os
import sys

# Commands that serve requests: they need a KASVU_SECRET_KEY of their own (see kasvu.config.local_secret_key).
SERVER_COMMANDS = ("serve", "runserver")

_command: str | None = None


def running_command() -> str | None:
    """The subcommand ``kasvu`` is running (``migrate``), or None outside the command line (a server)."""
    return _command


def _wants_traceback(args: list[str]) -> bool:
    return "--traceback" in args or os.environ.get("KASVU_DEBUG", "").lower() in ("1", "true", "yes", "on")


def _one_line(exc: BaseException) -> str:
    """An exception as one line for the terminal: its message, and its kind when the message is bare."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    from kasvu.config import ConfigError

    message = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, ConfigError | ImproperlyConfigured):
        return message
    if isinstance(exc, DatabaseError):
        return f"database error: {message}. Has `kasvu migrate` been run on this database?"
    return f"{type(exc).__name__}: {message} (run again with --traceback for details)"


def _quiet_closed_stdout() -> None:
    """The reader of our output went away: send the rest to /dev/null so Python's exit flush is silent."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> None:
    global _command
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasvu.settings")
    args = list(sys.argv if argv is None else ["kasvu", *argv])
    # `import` is a Python keyword, so the command module is called import_.
    if len(args) > 1 and args[1] == "import":
        args[1] = "import_"
    _command = args[1] if len(args) > 1 else "help"
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(args)
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_closed_stdout()
    except KeyboardInterrupt:
        sys.exit("kasvu: interrupted")
    except Exception as exc:
        if _wants_traceback(args):
            raise
        sys.exit(f"kasvu: {_one_line(exc)}")


if __name__ == "__main__":
    main()
