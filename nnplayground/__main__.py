"""Command line entry point: ``nnplayground`` or ``python -m nnplayground``.

Qt is imported only after the arguments are parsed, so ``--help`` and ``--version``
work on a machine without a display; ``--lesson ID --headless`` and ``--list-lessons``
never import Qt at all (they use the pure core only).
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
    parser.add_argument("--lesson", metavar="ID",
                        help="start straight into a lesson, e.g. xor-classic (see --list-lessons)")
    parser.add_argument("--headless", action="store_true",
                        help="with --lesson: train the lesson's model without a window and "
                             "print its printout (or its final error and accuracy)")
    parser.add_argument("--list-lessons", action="store_true",
                        help="print every lesson's id and title, then exit")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list_lessons:
        from nnplayground.core.lessons import LessonError, list_lessons

        try:
            lessons = list_lessons()
        except LessonError as exc:
            parser.error(str(exc))
        width = max((len(info.id) for info in lessons), default=0)
        for info in lessons:
            print(f"{info.id:<{width}}  {info.title}")
        return 0
    if args.headless and not args.lesson:
        parser.error("--headless needs a lesson to run: --lesson ID --headless "
                     "(--list-lessons shows the ids).")
    if args.lesson is not None:
        if args.session:
            parser.error(f"--lesson starts the lesson {args.lesson!r} from its own data and "
                         f"model, so it cannot open the session file {args.session!r} as well: "
                         f"give one or the other.")
        if args.digits:
            parser.error("--lesson and --digits cannot be combined (the digits lesson is "
                         "--lesson digits).")
        from nnplayground.core.lessons import LessonError, load_lesson

        try:
            lesson = load_lesson(args.lesson)
        except LessonError as exc:
            parser.error(str(exc))
        if args.headless:
            from nnplayground.core.headless import run_lesson

            for line in run_lesson(lesson):
                print(line)
            return 0
    from nnplayground.ui.app import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
