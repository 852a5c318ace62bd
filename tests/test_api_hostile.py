"""Issue 11: the public API (archiver.decode/repair/extract, archiver.process) never raises,
whatever the input: it returns a result with flags."""
from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import archiver
from archiver.models import RawPage
from archiver.process import process_page

URL = "http://127.0.0.1/a/t20240101_1.html"
HOSTILE_PIECES = [
    "瀵\udc80", "\ud800", "\x00", "\x01\x02\x1f", "\x0b\x0c", "\ufffd", "锟斤拷", "發(fā)",
    '<base href="http://[::1">', '<meta charset="undefined">', '<meta charset="x-unknown">',
    '<meta http-equiv="Content-Type" content="text/html; charset=rot13">',
    '<a href="http://[::1/x.pdf">附件</a>', '<img src="http://[bad">', "<p>", "</div>",
    "<title>标题</title>", "&amp;ldquo;", "&#xD800;", "<![CDATA[", "<!--", "<?xml version='1.0' encoding='x'?>",
    "发布时间：2024年13月45日", "来源：", "\u202e", "\U0001f600",
]
CONTENT_TYPES = [None, "text/html", "text/html; charset=x-unknown", "text/html; charset=undefined",
                 "text/html; charset=utf-8", "text/html; charset=gbk", "text/html; charset=utf-16",
                 "text/html; charset=base64", "text/html; charset=\udc80", ""]
URLS = [URL, "http://[::1", "http://127.0.0.1/?q=%ff", "", "not a url", "http://127.0.0.1:99999/"]

hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=20)),
                        max_size=12).map("".join)
hostile_bytes = st.one_of(
    st.binary(max_size=300),
    hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    hostile_text.map(lambda t: t.encode("gb18030", "replace")),
)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(autouse=True)
def _quiet(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.CRITICAL)


@pytest.mark.parametrize("text", ["瀵\udc80", "\udc80", "<p>發(fā)\ud800</p>", "\x00\x01"])
def test_api_repair_lone_surrogates_and_controls(text: str) -> None:
    for markup in (False, True):
        report = archiver.repair(text, markup=markup)
        assert isinstance(report.text, str)


@pytest.mark.parametrize("html,ctype", [
    (b'<html><head><base href="http://[::1"></head><body><a href="x.pdf">f</a><p>hi</p></body></html>', None),
    (b"<html><body>\x01\x02\x1f<p>\x00abc</p></body></html>", "text/html; charset=x-unknown"),
    (b'<html><head><meta charset="undefined"></head><body><p>\xd6\xd0\xce\xc4</p></body></html>', None),
])
def test_api_extract_named_cases(html: bytes, ctype: str | None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    article = archiver.extract(html, URL, content_type=ctype)
    assert article.url == URL
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no ERROR traceback


@FAST
@given(body=hostile_bytes, ctype=st.sampled_from(CONTENT_TYPES))
def test_api_decode_never_raises(body: bytes, ctype: str | None) -> None:
    report = archiver.decode(body, ctype)
    assert isinstance(report.text, str)


@FAST
@given(text=hostile_text, markup=st.booleans())
def test_api_repair_never_raises(text: str, markup: bool) -> None:
    assert isinstance(archiver.repair(text, markup=markup).text, str)


@FAST
@given(html=st.one_of(hostile_bytes, hostile_text), url=st.sampled_from(URLS),
       ctype=st.sampled_from(CONTENT_TYPES))
def test_api_extract_never_raises(html: bytes | str, url: str, ctype: str | None) -> None:
    article = archiver.extract(html, url, content_type=ctype)
    assert isinstance(article.flags, list)
    article.to_dict()


@FAST
@given(body=hostile_bytes, url=st.sampled_from(URLS), ctype=st.sampled_from(CONTENT_TYPES))
def test_api_process_page_never_raises(body: bytes, url: str, ctype: str | None) -> None:
    headers = {"Content-Type": ctype} if ctype is not None else {}
    assert process_page(RawPage(url, body, headers=headers)).url == url
