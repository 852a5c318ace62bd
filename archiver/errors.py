"""Errors the command line turns into one-line messages."""


class ArchiverError(Exception):
    """Base class: the message is shown to the user as is."""


class PartialRunError(ArchiverError):
    """A crawl ran to its end but left holes (pages blocked, failed or not yet reached):
    exit status 3, so cron notices; a failed run is exit status 1."""

    exit_code = 3


class StorageError(ArchiverError):
    """The archive cannot be opened or written."""


class FetchError(ArchiverError):
    """A page could not be fetched or is not an article."""
