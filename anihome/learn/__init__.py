"""Learning: recommendations, similar titles, forecasts and A/B experiments.

The heavy half runs at night in a child process (``python -m anihome.learn``, started by the
``learn`` job in ``job.py``): ``child.py`` reads SQLite, describes the catalog with numpy and
scipy (``recommender.py`` over ``text.py``'s TF-IDF and ``svd.py``'s truncated SVD), imports
scikit-learn for ``forecaster.py`` once those arrays are freed, writes result tables in short
transactions and exits, so the serving process never carries scikit-learn, numpy or scipy. The light half serves those results:
``recommendations.py``, ``tonight.py``, ``forecasts.py``, ``experiments.py`` (with the
statistics in ``stats.py``, pure Python).
"""
