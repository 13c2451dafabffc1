"""Qt front end: forms from forms/*.ui wired to service functions; no policy logic, no SQL."""
