"""The figure rules, in one place (docs/architecture.md, "Figures").

Every number the ledger prints about investment is built from these rules:

- ``reports.py``: which monthly reports count — approved reports through a period, the
  year to date, the month's figure (never a lump), since start, the plan of the year — as
  ORM conditions, SQL fragments and the importer's reads;
- ``rates.py``: completion rate (占年度计划), time progress (序时进度), points against it and
  the "behind schedule" flag (滞后);
- ``per_project.py``: the figures of each project as SQL annotations (list rows and sorting,
  exports, the report form);
- ``aggregate.py``: the statistics' one SQL statement (stats/service.py adds it up).

No code outside this package filters monthly reports by their period
(tests/architecture/test_figures_in_one_place.py, part of ``make lint``).
"""
