"""The `jixiao` command's entry point: Ctrl-C is an interrupt (exit 130) from the first line.

Importing engine.cli (click, rich and the subcommands) takes a moment on a cold start; a Ctrl-C
in it ended in a Python traceback. The handler installed here, before those imports, ends the
process at once with exit 130 and a short message (nothing has been read or written yet). Once
the CLI is imported the previous handler is back, and each command handles interrupts as it
does (batch: engine.commands.batch). A SIGINT the caller set to be ignored stays ignored."""

from __future__ import annotations

import os
import signal

EXIT_INTERRUPTED = 130


def _interrupted_while_starting(signum, frame) -> None:
    try:
        os.write(2, "已中断：程序启动时收到中断信号，未做任何处理 (interrupted while starting)\n".encode())
    finally:
        os._exit(EXIT_INTERRUPTED)


def main():
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _interrupted_while_starting)
    from .cli import main as cli_main

    if previous is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, previous)
    return cli_main()
