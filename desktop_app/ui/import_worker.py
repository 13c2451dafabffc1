"""The tax import's dry run and import on one thread of their own, off the window's thread.

Unlike ui/worker.Task (a new thread per job) this keeps one thread, and on it one connection to the
same data file, for the dialog's life: the import right after a clean dry run reuses the rows the dry
run left in that connection's temporary tables (services/tax_import.py), and an SQLite connection
never crosses threads. Each job runs as the operator logged in when it was asked for (same role).
Signals reach the window's thread queued, so slots may touch widgets.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop_app.services.session import Session, on_own_connection
from desktop_app.services.tax_import import import_tax_file


class ImportWorker(QObject):
    progress = Signal(str, int, int)   # stage, done, total
    done = Signal(object)              # the ImportReport
    failed = Signal(object)            # the exception raised (ImportCancelled after a cancel)

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self._session = session        # the window's: only its path and operator are read, never its db
        self._jobs: queue.Queue = queue.Queue()
        self.cancel = threading.Event()
        self.thread: threading.Thread | None = None

    def submit(self, path: Path, today: date, dry_run: bool) -> None:
        """Queue a dry run or an import; progress, then done or failed, follow."""
        self.cancel.clear()
        operator = replace(self._session, db=None, instance_lock=None)  # who asks, fixed now
        if self.thread is None or not self.thread.is_alive():
            self._jobs = queue.Queue()  # the thread's own: one that outlived stop() never takes a new job
            self.thread = threading.Thread(target=self._run, args=(self._jobs,), daemon=True, name="tax-import")
            self.thread.start()
        self._jobs.put((operator, Path(path), today, dry_run))

    def _run(self, jobs: queue.Queue) -> None:
        db = None
        try:
            while (job := jobs.get()) is not None:
                operator, path, today, dry_run = job
                try:
                    if db is None:
                        db = on_own_connection(operator).db
                    report = import_tax_file(replace(operator, db=db), path, today, dry_run,
                                             progress=lambda s, d, t: self.progress.emit(s, int(d), int(t)),
                                             cancel=self.cancel.is_set)
                except BaseException as error:  # noqa: BLE001 (handed to the window's thread, shown there)
                    self.failed.emit(error)
                else:
                    self.done.emit(report)
        finally:
            if db is not None:
                db.close()

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def stop(self, wait: float = 10.0) -> None:
        """Cancel what runs (the service rolls back), end the thread and close its connection."""
        self.cancel.set()
        if self.thread is not None:
            self._jobs.put(None)
            self.thread.join(wait)
            self.thread = None
