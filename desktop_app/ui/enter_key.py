"""Enter in a dialog: one press, one action.

In a QDialog, Enter in a line edit emits returnPressed and then, because QLineEdit passes the key on, presses the
dialog's default button too: a field connected to returnPressed in a dialog with a default button acts twice.
So a dialog either has a default button and connects nothing to returnPressed, or has no button that can become
the default (autoDefault off on every one) and acts on returnPressed. Enter that should only move on to the next
field is taken here, before either happens.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class _MoveOn(QObject):
    def __init__(self, edit: QWidget, target: QWidget):
        super().__init__(edit)
        self.target = target

    def eventFilter(self, watched, event) -> bool:
        if (event.type() == QEvent.Type.KeyPress and event.key() in _ENTER
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            self.target.setFocus(Qt.FocusReason.TabFocusReason)
            return True  # neither returnPressed nor the dialog's default button
        return False


def enter_moves_to(edit: QWidget, target: QWidget) -> None:
    """Enter in `edit` moves the cursor to `target` and does nothing else."""
    edit._enter_moves_on = _MoveOn(edit, target)  # keep the Python object with its widget
    edit.installEventFilter(edit._enter_moves_on)
