"""`python -m shopscore`: the same as the `shopscore` command."""

from shopscore.cli import main

main()
