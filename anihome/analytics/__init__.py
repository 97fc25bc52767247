"""Analytics: view events, daily roll-ups, the owner's dashboard, member statistics, cohorts,
member analytics with a privacy rule, and reports (CSV, JSON, XLSX, PDF).

Reads what the watching code records (``watch_event``, ``watch_progress``, ``list_entry``)
with its own read-only queries, plus its own ``analytics_view`` log; writes only the
``analytics_*`` tables (see ``anihome.models.analytics``). Modules:

- ``periods``: days in the household's time zone, and the from/to/group/period checks.
- ``views``: recording view events (batched, written after the response) and pruning them.
- ``rollup``: the incremental daily roll-up (job ``analytics-rollup``); ``rollup.run``.
- ``dashboard``, ``completion``, ``cohorts``: the owner's dashboard queries.
- ``member_stats``, ``privacy``, ``member_analytics``: a member's statistics and who may see them.
- ``cached``: the time-to-live table; new roll-ups drop the ``analytics`` cache tag.
- ``reports``: every dashboard table as rows, written by one module per format.
- ``charts``: server-side SVG geometry for the templates.

Later areas (recommendations, forecasts) read the daily tables or call
``member_stats.daily_series`` / ``dashboard.views_series``; they never write here.
"""
