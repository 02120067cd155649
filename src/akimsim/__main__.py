"""``python -m akimsim`` is the ``akimsim`` command."""

from akimsim.cli import main

main()
