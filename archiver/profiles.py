"""Site profiles: one TOML file per site, extending a CMS-family base.

Profiles are data (STYLE.md "Sites are data"): ``data/sites/<id>.toml``, with
family bases in ``data/sites/_cms/<family>.toml``; every key is documented in
``data/sites/README.md``. Loading validates everything once, so a typo or a bad
selector is a clear error before any request is sent.
"""
from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from parsel.csstranslator import HTMLTranslator

from archiver.data import SITES_DIR
from archiver.errors import ArchiverError
from archiver.listings import PAGINATIONS, ListingHints

TOP_KEYS = {"id", "name", "extends", "family", "verified", "notes", "allowed_domains",
            "max_pages", "listing", "sections", "selectors", "politeness"}
LISTING_KEYS = {"article_selector", "pagination", "page_template", "json_items", "json_link",
                "json_total", "perpage"}
SECTION_KEYS = {"name", "url"} | LISTING_KEYS | {"max_pages"}
POLITENESS_KEYS = {"delay", "concurrency", "robots", "autothrottle", "timeout"}
SELECTOR_FIELDS = {"title", "published_at", "source", "author", "editor", "body", "subtitle"}


class ProfileError(ArchiverError):
    """A profile file is missing, unreadable or invalid."""


@dataclass(frozen=True)
class Politeness:
    delay: float = 1.0
    concurrency: int = 2
    robots: bool = True
    autothrottle: bool = True
    timeout: float = 30.0


@dataclass(frozen=True)
class Section:
    name: str
    url: str
    hints: ListingHints = field(default_factory=ListingHints)
    max_pages: int | None = None


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    family: str
    allowed_domains: tuple[str, ...]
    sections: tuple[Section, ...]
    selectors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    politeness: Politeness = field(default_factory=Politeness)
    max_pages: int = 50
    verified: bool = False
    path: str | None = None


def check_selector(expr: str) -> str | None:
    """None when ``expr`` compiles (CSS, or XPath when it starts with "/" or "("), else why not."""
    try:
        etree.XPath(expr if expr.startswith(("/", "(")) else HTMLTranslator().css_to_xpath(expr))
    except (etree.XPathSyntaxError, ValueError, SyntaxError) as exc:
        return f"{exc.__class__.__name__}: {exc}"
    return None


def _unknown(where: str, data: Mapping[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise ProfileError(f"{where}: unknown key(s) {', '.join(extra)} "
                           f"(allowed: {', '.join(sorted(allowed))})")


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProfileError(f"no profile file {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from exc


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; anything else (lists included) is replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve(path: Path, sites_dir: Path, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    data = _read(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if parent in seen:
        raise ProfileError(f"{path}: 'extends' loops through {parent!r}")
    # A directory of one's own profiles may bring its own families; the built-in ones are
    # always there behind them.
    candidates = [sites_dir / "_cms" / f"{parent}.toml", SITES_DIR / "_cms" / f"{parent}.toml"]
    base_path = next((p for p in candidates if p.exists()), None)
    if base_path is None:
        known = sorted({p.stem for d in (sites_dir, SITES_DIR) for p in (d / "_cms").glob("*.toml")})
        raise ProfileError(f"{path}: extends unknown family {parent!r} (known: {', '.join(known)})")
    base = _resolve(base_path, sites_dir, (*seen, parent))
    return _merge({"family": parent, **base}, data)


def _hints(where: str, data: Mapping[str, Any]) -> ListingHints:
    values = {k: data[k] for k in LISTING_KEYS if k in data}
    if values.get("pagination", "auto") not in PAGINATIONS:
        raise ProfileError(f"{where}: pagination {values['pagination']!r} is not one of "
                           f"{', '.join(PAGINATIONS)}")
    if (sel := values.get("article_selector")) and (why := check_selector(sel)):
        raise ProfileError(f"{where}: bad article_selector {sel!r}: {why}")
    if values.get("pagination") == "numbered" and not values.get("page_template"):
        raise ProfileError(f"{where}: pagination 'numbered' needs page_template")
    return ListingHints(**values)


def _sections(where: str, data: dict[str, Any], domains: tuple[str, ...]) -> tuple[Section, ...]:
    defaults = data.get("listing", {})
    _unknown(f"{where} [listing]", defaults, LISTING_KEYS)
    raw = data.get("sections") or []
    if not raw:
        raise ProfileError(f"{where}: no [[sections]]")
    out = []
    for i, sec in enumerate(raw, 1):
        here = f"{where} section {i}"
        _unknown(here, sec, SECTION_KEYS)
        if not sec.get("url") or urlsplit(sec["url"]).scheme not in ("http", "https"):
            raise ProfileError(f"{here}: needs url = an http(s) listing URL")
        host = urlsplit(sec["url"]).hostname or ""
        if domains and not in_domains(host, domains):
            raise ProfileError(f"{here}: {host} is not in allowed_domains")
        hints = _hints(here, _merge(defaults, sec))
        out.append(Section(sec.get("name") or urlsplit(sec["url"]).path, sec["url"], hints,
                           sec.get("max_pages")))
    return tuple(out)


def _selectors(where: str, data: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    _unknown(f"{where} [selectors]", data, SELECTOR_FIELDS)
    out = {}
    for name, value in data.items():
        exprs = (value,) if isinstance(value, str) else tuple(value)
        for expr in exprs:
            if why := check_selector(expr):
                raise ProfileError(f"{where} [selectors] {name}: bad selector {expr!r}: {why}")
        out[name] = exprs
    return out


def build_profile(data: dict[str, Any], where: str, path: str | None = None) -> Profile:
    _unknown(where, data, TOP_KEYS)
    if not data.get("id"):
        raise ProfileError(f"{where}: needs id")
    pol = data.get("politeness", {})
    _unknown(f"{where} [politeness]", pol, POLITENESS_KEYS)
    domains = tuple(data.get("allowed_domains") or
                    sorted({urlsplit(s.get("url", "")).hostname or "" for s in data.get("sections", [])}))
    return Profile(
        id=data["id"], name=data.get("name") or data["id"],
        family=data.get("family", "generic"), allowed_domains=domains,
        sections=_sections(where, data, domains),
        selectors=_selectors(where, data.get("selectors", {})),
        politeness=Politeness(**pol), max_pages=int(data.get("max_pages", 50)),
        verified=bool(data.get("verified", False)), path=path)


def load_profile(path: str | Path, sites_dir: Path | None = None) -> Profile:
    """Read, merge with its family base, and validate one profile file."""
    path = Path(path)
    sites_dir = sites_dir or (path.parent if (path.parent / "_cms").is_dir() else SITES_DIR)
    return build_profile(_resolve(path, sites_dir), str(path), str(path))


def profile_paths(sites_dir: Path = SITES_DIR) -> list[Path]:
    return sorted(p for p in sites_dir.glob("*.toml") if not p.name.startswith("_"))


def load_all(sites_dir: Path = SITES_DIR) -> list[Profile]:
    return [load_profile(p, sites_dir) for p in profile_paths(sites_dir)]


def find_profile(target: str, sites_dir: Path = SITES_DIR) -> Profile:
    """A profile by id (``data/sites/<id>.toml``) or by file path."""
    if target.endswith(".toml") or "/" in target:
        return load_profile(target)
    path = sites_dir / f"{target}.toml"
    if not path.exists():
        known = ", ".join(p.stem for p in profile_paths(sites_dir)) or "none"
        raise ProfileError(f"no site profile {target!r} (known: {known})")
    return load_profile(path, sites_dir)


SECOND_LEVEL = (".gov.cn", ".com.cn", ".org.cn", ".edu.cn", ".net.cn", ".ac.cn")


def site_domain(host: str) -> str:
    """The registrable domain: www.x.gov.cn -> x.gov.cn (its subdomains are the same site)."""
    labels = host.lower().split(".")
    if host.replace(".", "").isdigit() or len(labels) <= 2:
        return host.lower()
    keep = 3 if host.lower().endswith(SECOND_LEVEL) else 2
    return ".".join(labels[-keep:])


def in_domains(host: str, domains: Iterable[str]) -> bool:
    """``host`` is one of ``domains`` or a subdomain of one (urlsplit lower-cases hostnames)."""
    return any(host == d or host.endswith("." + d) for d in domains)


def profile_for_url(url: str) -> Profile:
    """A one-section profile for a bare listing URL: the family is detected per page, and
    the whole registrable domain is the site (articles often sit on a sibling host)."""
    host = urlsplit(url).hostname or "site"
    return Profile(id=host, name=host, family="auto", allowed_domains=(site_domain(host),),
                   sections=(Section(urlsplit(url).path or "/", url),))


def match_profile(url: str, sites_dir: Path = SITES_DIR) -> Profile | None:
    """The profile whose domains hold ``url`` (for a single fetch), or None."""
    host = urlsplit(url).hostname or ""
    for profile in load_all(sites_dir):
        if in_domains(host, profile.allowed_domains):
            return profile
    return None
