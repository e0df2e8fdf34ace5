"""The Lessons menu: every lesson under its group's heading, then Next step, Previous
step and Leave lesson (window shortcuts, so they work from anywhere in the window)."""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import Qt

from nnplayground.core.lessons import LessonError, grouped_lessons

#: Presentation clickers send Page Down / Page Up; Right alone is Step.
NEXT_KEYS = ("Ctrl+Right", "PgDown")
BACK_KEYS = ("Ctrl+Left", "PgUp")


class LessonsMenu:
    """Adds the menu to ``window``'s menu bar; ``start(lesson_id)``, ``next``, ``back`` and
    ``leave`` are called on the user's choice."""

    def __init__(self, window, start, next_step, back, leave) -> None:
        self.w = window
        self.menu = window.menuBar().addMenu("&Lessons")
        self.menu.setObjectName("lessons_menu")
        self.menu.setToolTipsVisible(True)
        self.lesson_actions: dict[str, QtGui.QAction] = {}
        try:
            groups = grouped_lessons()
        except LessonError as exc:  # a broken lesson file: said in the menu, not a crash
            groups = []
            self.menu.addAction(str(exc)).setEnabled(False)
        for n, (group, infos) in enumerate(groups):
            if n:
                self.menu.addSeparator()
            # A disabled bold heading: QMenu sections show no title in most styles.
            header = self.menu.addAction(group)
            header.setEnabled(False)
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            for info in infos:
                action = self.menu.addAction(f"    {info.title}")
                action.setObjectName(f"lesson_{info.id}")
                action.setToolTip(info.summary)
                action.setStatusTip(info.summary)
                action.triggered.connect(lambda _=False, i=info.id: start(i))
                self.lesson_actions[info.id] = action
        self.menu.addSeparator()
        self.next_action = self._action("&Next step", "The lesson's next step", NEXT_KEYS, next_step)
        self.back_action = self._action("&Previous step", "The lesson's step before", BACK_KEYS, back)
        self.leave_action = self._action("&Leave lesson", "End the lesson: your own points and "
                                         "model come back", (), leave)

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
