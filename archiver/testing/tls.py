"""A throwaway TLS identity for a loopback SiteServer, so an http → https redirect (what
most government sites now answer on port 80) is crawled over real TLS in tests.

Written with ``cryptography`` (already installed: Scrapy's TLS stack depends on it) rather
than the ``openssl`` command, which a fresh machine may lack.
"""
from __future__ import annotations

import datetime
import ipaddress
import ssl
import tempfile
from pathlib import Path


def self_signed_context(host: str = "127.0.0.1") -> ssl.SSLContext:
    """A server-side SSLContext holding a fresh self-signed certificate for ``host``
    (Scrapy, like a browser told to, does not verify it)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    # load_cert_chain reads files only; they are needed for the call and no longer.
    with tempfile.TemporaryDirectory() as tmp:
        pem = Path(tmp) / "server.pem"
        pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption())
                        + cert.public_bytes(serialization.Encoding.PEM))
        context.load_cert_chain(pem)
    return context
