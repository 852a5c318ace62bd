"""The drift alarm's statistics, and 30 simulated runs per site with natural variation
(archiver.testing.healthsim: a clock we control, no crawl): no false alarm, then an alarm as
soon as a change has shown on a few pages."""
from __future__ import annotations

import pytest

from archiver.health import baseline
from archiver.health.alarms import judge_section
from archiver.health.figures import Outcome, Record, section_figures
from archiver.health.report import sparkline
from archiver.testing.healthsim import CHANGES, Simulation, SiteHabits

HABITS = {
    "daily": SiteHabits(),
    "never_source": SiteHabits(source=0.0, author=0.0),   # no 来源 ever: not an alarm
    "sparse_mixed": SiteHabits(per_day=0.5, gbk=0.7, date=0.95),
    "busy_noisy": SiteHabits(per_day=6, body_log_sd=0.8, repaired=0.2),
}
SEEDS = range(8)


def test_binomial_tails_match_known_values() -> None:
    assert baseline.binom_cdf(0, 2, 0.5) == pytest.approx(0.25)
    assert baseline.binom_sf(2, 2, 0.5) == pytest.approx(0.25)
    assert baseline.binom_cdf(4, 10, 0.99) < 1e-9


def test_share_date_fill_falling_from_99_to_40_percent_alarms() -> None:
    history = [(99, 100)] * 5
    verdict = baseline.judge_share(4, 10, history, "low")
    assert verdict is not None and verdict.out
    assert verdict.value.startswith("40%")


def test_share_small_run_is_judged_with_its_uncertainty() -> None:
    history = [(95, 100)] * 3
    one_missing = baseline.judge_share(1, 2, history, "low")   # 1 of 2 with a source
    assert one_missing is not None and not one_missing.out
    assert baseline.judge_share(0, 0, history, "low") is None  # no records: nothing to judge


def test_share_a_site_that_never_has_a_source_is_no_alarm() -> None:
    verdict = baseline.judge_share(0, 12, [(0, 50), (0, 3)], "low")
    assert verdict is not None and not verdict.out


def test_share_runs_leaning_the_same_way_are_pooled() -> None:
    # One page a run: a single challenge is an anecdote, three runs in a row are not.
    history = [(0, 40)] + [(0, 1)] * 5
    assert not baseline.judge_share(1, 1, history, "high").out  # type: ignore[union-attr]
    history += [(1, 1), (1, 1)]
    verdict = baseline.judge_share(1, 1, history, "high")
    assert verdict is not None and verdict.out and "over 3 runs" in verdict.value


def test_body_median_halving_alarms_and_small_wobble_does_not() -> None:
    history = [[600, 640, 700, 580, 660]] * 6
    halved = baseline.judge_body([300, 320, 310], history)
    assert halved is not None and halved.out
    wobble = baseline.judge_body([560, 720], history)
    assert wobble is not None and not wobble.out


def test_mix_new_label_alarms_old_minority_label_does_not() -> None:
    history = [{"meta:pubdate": 8, "metaline": 2}] * 5
    assert baseline.judge_mix({"url": 3}, history).out  # type: ignore[union-attr]
    assert not baseline.judge_mix({"metaline": 3}, history).out  # type: ignore[union-attr]
    assert not baseline.judge_mix({"url": 1}, history).out  # type: ignore[union-attr]


def test_listing_without_links_alarms_without_history() -> None:
    fig = section_figures("s", "要闻", "2025-01-01T00:00:00+00:00", [], [],
                          {"listings": 1, "links": 0}, start_url="http://s.gov.cn/yw/")
    alarms = judge_section(fig, [])
    assert [a.figure for a in alarms] == ["links_per_listing"]
    assert alarms[0].examples == ("http://s.gov.cn/yw/",)


def test_alarm_names_site_section_figure_band_value_and_three_urls() -> None:
    good = [Record(f"http://s.gov.cn/a/{i}.html", "t", "2025-01-01", "src", body_length=600,
                   encoding="gb18030") for i in range(30)]
    past = section_figures("s", "要闻", "t0", good, [Outcome(r.url, "done", "new") for r in good],
                           {"listings": 2, "links": 40})
    bad = [Record(f"http://s.gov.cn/b/{i}.html", "t", None if i < 6 else "2025-01-02", "src",
                  body_length=600, encoding="gb18030") for i in range(10)]
    now = section_figures("s", "要闻", "t1", bad, [Outcome(r.url, "done", "new") for r in bad],
                          {"listings": 1, "links": 20})
    alarm = next(a for a in judge_section(now, [past]) if a.figure == "date")
    data = alarm.to_dict()
    assert (data["site"], data["section"], data["figure"]) == ("s", "要闻", "date")
    assert data["value"].startswith("40%") and data["band"].startswith("≥")
    assert data["examples"] == [f"http://s.gov.cn/b/{i}.html" for i in range(3)]
    assert "s/要闻" in data["message"]


def test_sparkline_scales_and_marks_missing_runs() -> None:
    assert sparkline([0.0, 0.5, 1.0, None], 0.0, 1.0) == "▁▅█·"
    assert sparkline([3, 3, 3]) == "▅▅▅"


@pytest.mark.parametrize("habit", HABITS, ids=str)
def test_no_false_alarm_over_30_normal_runs(habit: str) -> None:
    alarms = []
    for seed in SEEDS:
        sim = Simulation(HABITS[habit], seed=seed)
        alarms += [a.message for _, found in sim.run(30) for a in found]
    assert alarms == []


@pytest.mark.parametrize("change", [c for c in CHANGES if c != "silent"])
def test_each_change_alarms_once_it_has_shown_on_three_pages(change: str) -> None:
    for seed in SEEDS:
        sim = Simulation(HABITS["daily"], seed=seed)
        list(sim.run(30))
        sim.changes.add(change)
        pages, raised = 0, []
        while not raised and pages < 3:
            fig, raised = sim.step()
            pages += fig.counts["articles"]
        assert raised, f"seed {seed}: no alarm after {pages} pages of {change}"


def test_silence_alarms_after_five_times_the_usual_interval() -> None:
    sim = Simulation(HABITS["daily"], seed=1)
    list(sim.run(30))
    sim.changes.add("silent")
    start = sim.clock
    for _, found in sim.run(200):
        if found:
            break
    assert [a.figure for a in found] == ["silent"]
    days = (sim.clock - start).total_seconds() / 86400
    gap = baseline.usual_gap(sim.published[-60:]) / 86400  # type: ignore[operator]
    assert 5 * gap <= days <= 5 * gap + 1


def test_a_big_run_is_judged_on_a_bounded_uniform_sample() -> None:
    from archiver.health.monitor import _sample

    rows = [{"n": i} for i in range(40_000)]
    picked = _sample(iter(rows), lambda r: r["n"], seed=7, cap=1_000)
    assert len(picked) == 1_000
    assert picked == _sample(iter(rows), lambda r: r["n"], seed=7, cap=1_000)
    assert picked == sorted(picked)  # row order kept
    # uniform over the run, not its first rows: each quarter of the run holds about a quarter
    quarters = [sum(1 for n in picked if q * 10_000 <= n < (q + 1) * 10_000) for q in range(4)]
    assert all(200 <= q <= 300 for q in quarters), quarters
    assert _sample(iter(rows[:30]), lambda r: r["n"], seed=7, cap=1_000) == list(range(30))
