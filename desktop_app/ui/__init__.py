"""Qt front end: forms from forms/*.ui wired to service functions; no policy logic, no SQL."""

from desktop_app.ui.compat import pin_none_refcount

pin_none_refcount()
