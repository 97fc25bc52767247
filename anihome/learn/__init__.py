"""Learning: recommendations, similar titles, forecasts and A/B experiments.

The heavy half runs at night in a child process (``python -m anihome.learn``, started by the
``learn`` job in ``job.py``): ``child.py`` reads SQLite, imports scikit-learn (``recommender.py``,
``forecaster.py``), writes result tables in short transactions and exits, so the serving
process never carries scikit-learn, numpy or scipy. The light half serves those results:
``recommendations.py``, ``tonight.py``, ``forecasts.py``, ``experiments.py`` (with the
statistics in ``stats.py``, pure Python).
"""
