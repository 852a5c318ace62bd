"""Later states of the demo site: more days of news, and the site's second template.

The bundled site is one snapshot. A scheduled crawl meets a site that keeps publishing
(a few articles a day, sometimes none) and that one day moves to a new template. Both
are generated here so the drift alarm (archiver.health) can be tested on real crawls:
``Variant(day=3)`` is the site three days on; ``Variant(day=3, changes={"challenge"})``
is the same site answering every article with a challenge page. Template version 2
is every change at once (``TEMPLATE_2``). Deterministic, like the rest of the generator.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

# One switch per way a real redesign breaks a scheduled crawl without stopping it.
CHANGES = {
    "date_moved": "the publication date leaves the metadata line and meta tags for a new element",
    "body_renamed": "the body container's class or id is renamed",
    "links_changed": "article URLs take a new shape (the listing's link pattern changes)",
    "charset_changed": "GBK pages are served as UTF-8",
    "section_moved": "政务要闻 moves to /xwzx/zwyw/; its old address answers 301",
    "challenge": "every article answers an anti-bot challenge page",
}
TEMPLATE_2 = frozenset(CHANGES)
FIRST_DAY = dt.date(2024, 7, 5)  # the day after the newest bundled article

_TOPICS = ["安全生产", "营商环境", "乡村振兴", "生态环境保护", "民生实事", "项目建设", "防汛救灾",
           "文明城市创建", "招商引资", "基层治理"]
_UNITS = ["市发展和改革委员会", "市应急管理局", "市农业农村局", "市生态环境局", "市住房和城乡建设局",
          "市教育局", "市民政局", "市商务局"]
_THEMES = ["meeting", "economy", "safety", "environment", "agriculture", "livelihood", "service"]


@dataclass(frozen=True)
class Variant:
    """``day``: days of news after the snapshot; ``changes``: switches of CHANGES (template 2)."""

    day: int = 0
    changes: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        unknown = set(self.changes) - set(CHANGES)
        if unknown:
            raise ValueError(f"unknown change(s) {sorted(unknown)}; known: {sorted(CHANGES)}")

    def has(self, change: str) -> bool:
        return change in self.changes


def later_rows(section_key: str, day: int) -> list[tuple]:
    """Rows (in the section's content.py shape) published on days 1..``day``.

    Natural variation: zero to three articles a section a day, an author on some,
    a time on some, sources from several units.
    """
    rows: list[tuple] = []
    for d in range(1, day + 1):
        rng = random.Random(f"{section_key}:{d}")
        date = (FIRST_DAY + dt.timedelta(days=d - 1)).isoformat()
        for j in range(rng.choice([0, 1, 1, 2, 3])):
            topic, unit, theme = rng.choice(_TOPICS), rng.choice(_UNITS), rng.choice(_THEMES)
            title = f"{unit}部署{topic}重点工作（{date[5:7]}月{date[8:]}日第{j + 1}期）"
            author = rng.choice(["", "", "", "李明", "王芳"])
            time = rng.choice(["", "09:30", "15:10"])
            if section_key == "zwyw":
                source = rng.choice(["河东日报", "市政府办公室", unit])
                rows.append((title, date, time, source, author, theme))
            elif section_key == "bmdt":
                rows.append((title, date, unit, author, theme))
            elif section_key == "tzgg":
                rows.append((f"关于{topic}有关事项的通知（{date}第{j + 1}号）", date, unit, "notice", ()))
            else:
                rows.append((f"市直机关党组织开展{topic}主题党日活动（{date}第{j + 1}期）", date,
                             rng.choice(["市委组织部", "河东日报"]), "party"))
    return rows
