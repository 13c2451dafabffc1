"""Show a service's InputError next to the field it names (label `<field>_error`), else in a message box."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

ERROR_STYLE = "color: #b3261e;"
INPUT_SUFFIXES = ("_edit", "_combo", "_spin", "_check", "_view", "_list")


def message_box(parent: QWidget, title: str, text: str,
                icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> QMessageBox:
    """A window-modal message that does not block the caller (open(), not exec()); Enter closes it."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("message_box")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class FieldErrors:
    """Error labels of one form. `aliases` maps a service field name to the form's field name."""

    def __init__(self, form: QWidget, aliases: dict[str, str] | None = None):
        self._form = form
        self._aliases = aliases or {}
        self.last_message: QMessageBox | None = None
        self._labels = {
            label.objectName()[: -len("_error")]: label
            for label in form.findChildren(QLabel)
            if label.objectName().endswith("_error")
        }
        for label in self._labels.values():
            label.setStyleSheet(ERROR_STYLE)
            label.setWordWrap(True)
        self.clear()

    @staticmethod
    def _put(label: QLabel, message: str) -> None:
        # an empty label is hidden so that it takes no room in the form
        label.setText(message)
        label.setVisible(bool(message))

    def clear(self) -> None:
        for label in self._labels.values():
            self._put(label, "")

    def label(self, field: str | None) -> QLabel | None:
        if field is None:
            return None
        field = self._aliases.get(field, field)
        if field in self._labels:
            return self._labels[field]
        # a dotted path such as "person.id_number": the last part names the form field
        return self._labels.get(field.rsplit(".", 1)[-1])

    def set(self, field: str, message: str) -> None:
        label = self.label(field)
        if label is None:
            raise KeyError(field)
        self._put(label, message)

    def show(self, error) -> None:
        """Display an InputError(field, message); focus the field when the form has it."""
        field = getattr(error, "field", None)
        message = getattr(error, "message", None) or str(error)
        label = self.label(field)
        if label is None:
            self.last_message = message_box(self._form.window(), "无法办理", message)
            return
        self._put(label, message)
        name = label.objectName()[: -len("_error")]
        for suffix in INPUT_SUFFIXES:
            widget = self._form.findChild(QWidget, name + suffix)
            if widget is not None and widget.isEnabled():
                widget.setFocus()
                break
