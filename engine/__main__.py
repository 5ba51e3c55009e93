"""`python -m engine ...` is the `jixiao` command, with every command registered in engine/cli.py."""

from .cli import main

main(prog_name="jixiao")
