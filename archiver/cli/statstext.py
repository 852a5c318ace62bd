"""`archiver stats` as terminal text: totals, tables, the per-month chart, coverage and holes.

Rendering lives with the command line; archiver.store.stats only computes."""
from __future__ import annotations

from archiver.cli.table import text_table
from archiver.store.stats import Stats, coverage_cell
from archiver.textwidth import width

BAR = "█"


def bar_chart(counts: list[tuple[str, int]], bar_width: int = 40) -> str:
    """One line per label: label, a bar scaled to the largest count, the count."""
    if not counts:
        return "(no articles)"
    peak = max(n for _, n in counts) or 1
    label_width = max(width(label) for label, _ in counts)
    lines = []
    for label, n in counts:
        bar = BAR * max(1 if n else 0, round(n / peak * bar_width))
        lines.append(f"{label}{' ' * (label_width - width(label))}  {bar} {n}")
    return "\n".join(lines)


def stats_text(stats: Stats) -> str:
    """The stats as terminal text: totals, tables, then the per-month chart."""
    out = [f"articles: {stats.total}   versions: {stats.versions}",
           (f"repaired: {stats.repaired}   with lost characters: {stats.lost}"
           f"   flagged: {stats.flagged}   spam removed: {stats.spam}")]
    for title, rows in (("site", stats.sites), ("section", stats.sections),
                        ("source", stats.sources)):
        out += ["", text_table([title, "articles"], rows)]
    out += ["", "articles per month:", bar_chart(stats.months)]
    if stats.coverage:
        cov_rows = [[c["site"], c["section"],
                     coverage_cell(c["expected"], c["expected_pages"], c["archived"]),
                     "yes" if c["walked"] else f"no ({c['cut'] or 'not yet'})", c["pending"], c["failed"]]
                    for c in stats.coverage]
        out += ["", "coverage (archived/expected, as the listing states it):",
                text_table(["site", "section", "coverage", "walked", "pending", "failed"], cov_rows)]
    if stats.holes:
        hole_rows = [[h["status"], h["attempts"], h["site"], h["section"], h["url"], h["reason"] or ""]
                     for h in stats.holes]
        out += ["", "holes (retried by the next runs; failed after their attempts):",
                text_table(["status", "tries", "site", "section", "url", "reason"], hole_rows)]
    return "\n".join(out)
