"""Bytes to text: ``decode(body, content_type, url) -> DecodeReport``.

Evidence in order: BOM, declarations (header, meta) checked against the bytes, then the
bytes themselves (declared.py reads what a page says, detect.py weighs readings, escape.py keeps
undecodable bytes recoverable).
"""
from archiver.encoding.decoder import DecodeReport, decode

__all__ = ["DecodeReport", "decode"]
