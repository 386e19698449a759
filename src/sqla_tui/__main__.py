"""Allow ``python -m sqla_tui`` as a synonym for the ``sqla-tui`` command."""

from sqla_tui.launch import main

main()
