"""Tiny but well-formed attachment files for the demo site (a PDF and a Word-readable .doc)."""
from __future__ import annotations


def pdf_bytes(label: str) -> bytes:
    """A one-page PDF 1.4 with a correct xref table, so PDF readers open it."""
    text = f"Hedong Municipal People's Government - {label}".replace("(", "").replace(")", "")
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def doc_bytes(title: str) -> bytes:
    """An RTF document saved as .doc, as many gov sites publish forms; Word and WPS open it.

    Hand-written because a real OLE2 .doc writer would be a heavy dependency for two fixtures.
    """
    def rtf_escape(text: str) -> str:
        return "".join(c if ord(c) < 128 else "".join(f"\\'{b:02x}" for b in c.encode("gbk")) for c in text)

    body = rtf_escape(title.removesuffix(".doc")) + "\\par " + rtf_escape("姓名：＿＿＿＿　联系电话：＿＿＿＿")
    return ("{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}"
            f"\\f0\\fs28 {body}\\par}}\n").encode("ascii")
