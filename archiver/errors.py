"""Errors the command line turns into one-line messages."""


class ArchiverError(Exception):
    """Base class: the message is shown to the user as is."""


class StorageError(ArchiverError):
    """The archive cannot be opened or written."""


class FetchError(ArchiverError):
    """A page could not be fetched or is not an article."""
