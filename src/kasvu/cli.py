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

    args = list(sys.argv if argv is None else ["kasvu", *argv])
    # `import` is a Python keyword, so the command module is called import_.
    if len(args) > 1 and args[1] == "import":
        args[1] = "import_"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
