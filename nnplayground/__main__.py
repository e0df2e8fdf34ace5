"""Command line entry point: ``nnplayground`` or ``python -m nnplayground``.

Qt is imported only after the arguments are parsed, so ``--help`` and ``--version``
work on a machine without a display.
"""

from __future__ import annotations

import argparse
import sys

from nnplayground import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nnplayground",
        description=(
            "A desktop neural-network playground: place points, pick a model "
            "(perceptron, MLP, competitive layer, autoencoder), press Play and "
            "watch it learn."
        ),
    )
    parser.add_argument("--version", action="version", version=f"nnplayground {__version__}")
    parser.add_argument("session", nargs="?", help="a session file (.nnp) to open")
    parser.add_argument("--digits", action="store_true", help="open the digit pad on its own")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from nnplayground.ui.app import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
