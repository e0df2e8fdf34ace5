"""The Lessons menu: every lesson under its group's heading, then Next step, Previous
step and Leave lesson (window shortcuts, so they work from anywhere in the window).

The lesson files are read when the menu first opens (or ``lesson_actions`` is first
asked for), not while the window is built."""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import Qt

#: Presentation clickers send Page Down / Page Up; Right alone is Step.
NEXT_KEYS = ("Ctrl+Right", "PgDown")
BACK_KEYS = ("Ctrl+Left", "PgUp")


class LessonsMenu:
    """Adds the menu to ``window``'s menu bar; ``start(lesson_id)``, ``next``, ``back`` and
    ``leave`` are called on the user's choice."""

    def __init__(self, window, start, next_step, back, leave) -> None:
        self.w = window
        self._start = start
        self.menu = window.menuBar().addMenu("&Lessons")
        self.menu.setObjectName("lessons_menu")
        self.menu.setToolTipsVisible(True)
        self._lesson_actions: dict[str, QtGui.QAction] | None = None
        self.menu.aboutToShow.connect(self._add_lessons)
        self._lessons_end = self.menu.addSeparator()
        self.next_action = self._action("&Next step", "The lesson's next step", NEXT_KEYS, next_step)
        self.back_action = self._action("&Previous step", "The lesson's step before", BACK_KEYS, back)
        self.leave_action = self._action("&Leave lesson", "End the lesson: your own points and "
                                         "model come back", (), leave)

    @property
    def lesson_actions(self) -> dict[str, QtGui.QAction]:
        """Each lesson's menu entry, by lesson id."""
        self._add_lessons()
        return self._lesson_actions

    def _add_lessons(self) -> None:
        """Every lesson under its group's heading, above Next step (once)."""
        if self._lesson_actions is not None:
            return
        from nnplayground.core.lessons import LessonError, grouped_lessons

        self._lesson_actions = {}
        menu, end = self.menu, self._lessons_end
        try:
            groups = grouped_lessons()
        except LessonError as exc:  # a broken lesson file: said in the menu, not a crash
            groups = []
            menu.insertAction(end, QtGui.QAction(str(exc), menu, enabled=False))
        for n, (group, infos) in enumerate(groups):
            if n:
                menu.insertSeparator(end)
            # A disabled bold heading: QMenu sections show no title in most styles.
            header = QtGui.QAction(group, menu, enabled=False)
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            menu.insertAction(end, header)
            for info in infos:
                action = QtGui.QAction(f"    {info.title}", menu)
                action.setObjectName(f"lesson_{info.id}")
                action.setToolTip(info.summary)
                action.setStatusTip(info.summary)
                action.triggered.connect(lambda _=False, i=info.id: self._start(i))
                menu.insertAction(end, action)
                self._lesson_actions[info.id] = action

    def _action(self, text: str, tip: str, keys, slot) -> QtGui.QAction:
        action = QtGui.QAction(text, self.w)
        action.setShortcuts([QtGui.QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        full = f"{tip} ({', '.join(keys)})" if keys else tip
        action.setToolTip(full)
        action.setStatusTip(full)
        action.setObjectName("lesson_" + text.replace("&", "").replace(" ", "_").lower())
        action.triggered.connect(slot)
        self.w.addAction(action)
        self.menu.addAction(action)
        return action

    def enable(self, in_lesson: bool, index: int, n_steps: int) -> None:
        self.next_action.setEnabled(in_lesson and index < n_steps - 1)
        self.back_action.setEnabled(in_lesson and index > 0)
        self.leave_action.setEnabled(in_lesson)
