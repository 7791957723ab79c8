"""``python -m ipsxl`` is the ``ipsxl`` command."""

from ipsxl.cli import main

main()
