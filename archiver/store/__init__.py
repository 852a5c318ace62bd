"""The archive file: every write (writer.py), every read (reader.py), its schema, search,
exports, statistics and the Datasette view."""
