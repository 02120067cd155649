"""``python -m akimsim`` is the ``akimsim`` command."""

from akimsim.edge.cli import main

main()
