"""The ``kasvu`` command: Django's management commands behind one name.

``kasvu migrate``, ``kasvu import sotkanet ...``, ``kasvu serve`` and every
other command run through here with kasvu's settings preselected.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasvu.settings")
    from django.core.management import execute_from_command_line

    from kasvu.config import ConfigError

    args = list(sys.argv if argv is None else ["kasvu", *argv])
    # `import` is a Python keyword, so the command module is called import_.
    if len(args) > 1 and args[1] == "import":
        args[1] = "import_"
    try:
        execute_from_command_line(args)
    except ConfigError as exc:  # a bad environment variable: say which and what to write, no traceback
        sys.exit(f"kasvu: {exc}")


if __name__ == "__main__":
    main()
