"""Site profiles: loading, family bases, validation errors, and the real sites' fixtures."""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from archiver.listings import parse_listing
from archiver.listings.model import clean_url
from archiver.profiles import ProfileError, find_profile, load_all, load_profile, profile_for_url
from tests.conftest import FIXTURES, REAL, real_page


def _write(tmp: Path, text: str, name: str = "site.toml") -> Path:
    (tmp / "_cms").mkdir(exist_ok=True)
    (tmp / "_cms" / "trs.toml").write_text('[listing]\npagination = "auto"\n'
                                           '[selectors]\nbody = [".TRS_Editor"]\n')
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = '''id = "x"
extends = "trs"
[[sections]]
name = "要闻"
url = "http://www.x.gov.cn/yw/"
'''


def test_profile_extends_family(tmp_path: Path) -> None:
    profile = load_profile(_write(tmp_path, GOOD))
    assert profile.family == "trs" and profile.selectors["body"] == (".TRS_Editor",)
    assert profile.allowed_domains == ("www.x.gov.cn",)
    assert profile.sections[0].hints.pagination == "auto"
    assert profile.politeness.concurrency == 2 and profile.politeness.robots


@pytest.mark.parametrize("extra, message", [
    ("colour = 1\n", "unknown key(s) colour"),
    ('[politeness]\nspeed = 3\n', "unknown key(s) speed"),
    ('[selectors]\ntitle = "div[[["\n', "bad selector"),
    ('[selectors]\nheadline = "h1"\n', "unknown key(s) headline"),
    ('[listing]\narticle_selector = "//a[@"\n', "bad article_selector"),
    ('[listing]\npagination = "magic"\n', "pagination 'magic'"),
    ('[listing]\npagination = "numbered"\n', "needs page_template"),
])
def test_profile_errors_are_clear(tmp_path: Path, extra: str, message: str) -> None:
    text = GOOD.replace("[[sections]]", extra + "[[sections]]", 1) if not extra.startswith("[") \
        else GOOD + extra
    with pytest.raises(ProfileError, match=re.escape(message)):
        load_profile(_write(tmp_path, text))


def test_profile_structural_errors(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="unknown family"):
        load_profile(_write(tmp_path, GOOD.replace('"trs"', '"nope"')))
    with pytest.raises(ProfileError, match="not in allowed_domains"):
        load_profile(_write(tmp_path, 'allowed_domains = ["y.gov.cn"]\n' + GOOD))
    with pytest.raises(ProfileError, match="no \\[\\[sections\\]\\]"):
        load_profile(_write(tmp_path, 'id = "x"\n'))
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(_write(tmp_path, "id = \n"))
    with pytest.raises(ProfileError, match="no site profile"):
        find_profile("does-not-exist")


def test_shipped_profiles_load() -> None:
    profiles = {p.id: p for p in load_all()}
    assert {"ycdjw", "pingtan", "shanxi", "jiangxi", "sthjt-jiangxi", "samr-cfda"} <= set(profiles)
    assert not profiles["ycdjw"].verified
    assert {p.family for p in profiles.values()} >= {"trs", "hanweb", "ucap", "generic"}


def test_bare_url_profile() -> None:
    profile = profile_for_url("http://www.a.gov.cn/news/index.html")
    assert profile.id == "www.a.gov.cn" and len(profile.sections) == 1
    assert profile.allowed_domains == ("a.gov.cn",)
    assert profile_for_url("http://127.0.0.1:8000/l.html").allowed_domains == ("127.0.0.1",)
    assert profile_for_url("https://news.example.com/").allowed_domains == ("example.com",)


@pytest.mark.parametrize("site", ["pingtan", "shanxi", "jiangxi", "sthjt-jiangxi", "samr-cfda"])
def test_real_site_listing_fixture(site: str) -> None:
    profile = find_profile(site)
    section = profile.sections[0]
    html = real_page(site, "listing").read_text(encoding="utf-8")
    listing = parse_listing(html, section.url, section.hints)
    assert listing.article_urls, listing.problem
    assert all(profile.allowed_domains[0] in u for u in listing.article_urls)
    truth_file = REAL / site / "listing.truth.json"
    if truth_file.exists():
        truth = json.loads(truth_file.read_text(encoding="utf-8"))["article_links"]
        assert set(listing.article_urls) == {clean_url(urljoin(section.url, h)) for h in truth}
    if site == "jiangxi":
        assert listing.requests[0].method == "POST"


@pytest.mark.parametrize("site", ["pingtan", "shanxi", "jiangxi"])
def test_real_site_article_fixture_extracts(site: str) -> None:
    from archiver.models import RawPage
    from archiver.process import process_page

    profile = find_profile(site)
    raw = RawPage(url=profile.sections[0].url + "a.html",
                  body=real_page(site, "article").read_bytes(),
                  headers={"Content-Type": "text/html"})
    article = process_page(raw, profile).to_dict()
    assert article.get("title") and article.get("body")


def test_verified_only_with_real_recordings() -> None:
    """``verified = true`` needs a real recorded listing (with hand-checked truth) and a real
    article page; rebuilt or missing fixtures keep a profile unverified (SOURCES.md)."""
    sources = (FIXTURES / "sites" / "SOURCES.md").read_text(encoding="utf-8")
    for profile in load_all():
        row = next((line for line in sources.splitlines()
                    if line.startswith(f"| {profile.id} |")), None)
        assert row is not None, f"{profile.id}: no row in tests/fixtures/sites/SOURCES.md"
        if profile.verified:
            assert (REAL / profile.id / "listing.truth.json").exists(), profile.id
            assert real_page(profile.id, "article").exists(), profile.id
            assert "REBUILT" not in row and "| yes |" in row, row
        else:
            assert "| no" in row, row


def test_own_sites_dir_finds_the_built_in_families(tmp_path: Path) -> None:
    """A profile kept in a directory of one's own extends the families that come with the
    package; no copy of _cms/ is needed, and a profile is unverified unless it says so."""
    path = tmp_path / "mine.toml"
    path.write_text('id = "mine"\nextends = "hanweb"\n[[sections]]\n'
                    'url = "http://www.example.gov.cn/col/col1/index.html"\n', encoding="utf-8")
    profile = find_profile("mine", sites_dir=tmp_path)
    assert profile.family == "hanweb" and profile.sections[0].hints.pagination == "hanweb"
    assert not profile.verified
    path.write_text(path.read_text().replace('"hanweb"', '"nosuch"'), encoding="utf-8")
    with pytest.raises(ProfileError, match=r"unknown family 'nosuch' \(known: .*generic.*trs"):
        find_profile("mine", sites_dir=tmp_path)
