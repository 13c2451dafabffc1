"""Run a service function off the window's thread (backup, restore, export, integrity check) with progress.

The function gets progress(done, total) and a cancel Event; it must use its own database connections
(services/backup.py and friends do). Signals reach the window's thread queued, so slots may touch widgets.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal


class Task(QObject):
    progress = Signal(int, int)   # done, total
    done = Signal(object)         # the function's result
    failed = Signal(object)       # the exception it raised

    def __init__(self, name: str, fn: Callable, parent=None):
        super().__init__(parent)
        self.name = name
        self._fn = fn
        self.cancel = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> "Task":
        self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            result = self._fn(progress=lambda d, t: self.progress.emit(int(d), int(t)), cancel=self.cancel)
        except BaseException as error:  # noqa: BLE001 (handed to the window's thread, shown there in Chinese)
            self.failed.emit(error)
        else:
            self.done.emit(result)

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def stop(self, wait: float = 5.0) -> None:
        """Ask the function to stop (backups and checks look at the flag between steps) and wait a little."""
        self.cancel.set()
        if self.thread is not None:
            self.thread.join(wait)
