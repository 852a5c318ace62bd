"""Per-site quality baselines and the template-drift alarm (issue 14).

figures.py (a run's numbers per section) -> baseline.py (bands from the section's own
history) -> alarms.py (what leaves its band); monitor.py reads and writes the archive,
notify.py runs ``--on-alarm``, report.py builds ``archiver health``. All but monitor,
notify and report are pure.
"""
