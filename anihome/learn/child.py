"""The nightly learning child process: read, learn, write results, exit.

Started by the ``learn`` job as ``python -m anihome.learn --channel`` (``jobs.child_process``:
the settings and run id on stdin, log lines and the result back on stdout, and it exits when
the server does). Run by hand (``python -m anihome.learn [--run-id N]``) it reads the
settings like the server (environment, config.toml) and prints a one-line JSON summary. It
reports progress on the job's run row, writes each result table in short transactions (so
members using the app never wait on it), and returns its counts (peak RSS included). A
failure leaves the previous results in place: a table is only replaced once its new rows are
computed.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from datetime import timedelta

from .. import db
from ..clock import utcnow
from ..config import load_settings
from ..i18n import N_
from ..models import Forecast, ForecastReport, JobRun, Recommendation, RecommenderReport, SimilarRelease
from ..ops import memory
from ..ops.memory import peak_rss_mb
from . import data

log = logging.getLogger("anihome.learn")

CHUNK = 500
REPORTS_KEPT = 60


class Progress:
    """Writes progress to the parent's job run (at most twice a second)."""

    def __init__(self, run_id: int | None):
        self.run_id, self._last = run_id, 0.0

    def __call__(self, fraction: float, text: str) -> None:
        log.info("learn progress=%.2f step=%s", fraction, text)
        if self.run_id is None or time.monotonic() - self._last < 0.5:
            return
        self._last = time.monotonic()
        with db.write_transaction():
            JobRun.update(progress=fraction, progress_text=text[:200]).where(JobRun.id == self.run_id).execute()


def _chunks(rows: list, size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def write_recommendations(recs: dict, now) -> int:
    """Replace each member's recommendations, one member and blend per transaction."""
    written = 0
    for (user_id, blend), items in recs.items():
        rows = [{"user": user_id, "blend": blend, "rank": rank, "release": r.release_id, "score": r.score,
                 "reason": r.reason, "reason_release": r.reason_release, "computed_at": now}
                for rank, r in enumerate(items, 1)]
        with db.write_transaction():
            Recommendation.delete().where((Recommendation.user == user_id) & (Recommendation.blend == blend)).execute()
            for chunk in _chunks(rows):
                Recommendation.insert_many(chunk).execute()
        written += len(rows)
    return written


def write_similar(similar: dict) -> int:
    written = 0
    ids = list(similar)
    for chunk in _chunks(ids, 200):
        rows = [{"release": rid, "rank": rank, "similar": other, "score": score}
                for rid in chunk for rank, (other, score) in enumerate(similar[rid], 1)]
        with db.write_transaction():
            SimilarRelease.delete().where(SimilarRelease.release.in_(chunk)).execute()
            for part in _chunks(rows):
                SimilarRelease.insert_many(part).execute()
        written += len(rows)
    with db.write_transaction():  # lists of releases no longer seeded
        if ids:
            SimilarRelease.delete().where(SimilarRelease.release.not_in(ids)).execute()
        else:
            SimilarRelease.delete().execute()
    return written


def write_forecasts(forecasts: dict, reports: list, now) -> int:
    rows = [{"release": rid, "daily": json.dumps(daily), "spread": spread, "model": model, "start": now}
            for rid, (daily, spread, model) in forecasts.items()]
    with db.write_transaction():
        Forecast.delete().execute()
        for chunk in _chunks(rows):
            Forecast.insert_many(chunk).execute()
        for report in reports:
            ForecastReport.create(model=report.model, mae=report.mae, coverage=report.coverage,
                                  points=report.points, chosen=int(report.chosen), computed_at=now)
        stale = [r.id for r in ForecastReport.select(ForecastReport.id)
                 .order_by(ForecastReport.id.desc()).offset(REPORTS_KEPT)]
        if stale:
            ForecastReport.delete().where(ForecastReport.id.in_(stale)).execute()
    return len(rows)


def write_evaluation(results: list, now) -> int:
    """Store tonight's held-out check (one row per ranker, with the weights it ranked with and,
    for a tuned blend, its tuning-half numbers), keeping the last ``REPORTS_KEPT`` rows."""
    with db.write_transaction():
        for r in results:
            content, household, popularity = r.weights or (None, None, None)
            RecommenderReport.create(ranker=r.ranker, hit_rate=r.hit_rate, ndcg=r.ndcg, cases=r.cases,
                                     served=int(r.served), enough=int(r.enough), content_weight=content,
                                     household_weight=household, popularity_weight=popularity,
                                     tuned_ndcg=r.tuned_ndcg, tuning_cases=r.tuning_cases, computed_at=now)
        stale = [r.id for r in RecommenderReport.select(RecommenderReport.id)
                 .order_by(RecommenderReport.id.desc()).offset(REPORTS_KEPT)]
        if stale:
            RecommenderReport.delete().where(RecommenderReport.id.in_(stale)).execute()
    return len(results)


def memory_mb() -> tuple[int, int]:
    """(resident now, peak so far) of this process in MB, from /proc (0, 0 elsewhere)."""
    found = {}
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    found[line[:5]] = round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return found.get("VmRSS", 0), found.get("VmHWM", 0)


class Steps:
    """Logs each step's time and the memory after it (``learn step=... seconds=... rss_mb=...
    peak_mb=...``): where the nightly run's time and peak go."""

    def __init__(self):
        self.started = time.perf_counter()

    def done(self, name: str) -> None:
        now = time.perf_counter()
        rss, peak = memory_mb()
        log.info("learn step=%s seconds=%.2f rss_mb=%d peak_mb=%d cpu_s=%.2f", name, now - self.started, rss, peak,
                 time.process_time())
        self.started = now


def learn(progress) -> dict:
    """The whole nightly run; returns its counts.

    The steps run in the order of their memory: the catalog's vectors (numpy and scipy) first,
    freed before forecasting imports scikit-learn (~70 MB resident more), so the two peaks do
    not add up."""
    from . import evaluation, recommender  # numpy and scipy: this process only

    steps = Steps()
    now = utcnow()
    progress(0.05, N_("reading the catalog"))
    catalog = data.load_catalog()
    members = data.load_members()
    counts = {"releases": len(catalog.ids), "members": len(members)}
    steps.done("read")
    if catalog.ids:
        progress(0.2, N_("describing titles"))
        vectors = recommender.embed(catalog)
        steps.done("embed")
        progress(0.4, N_("tuning the blends and checking them against popularity"))
        started = time.perf_counter()
        results, tuned = evaluation.evaluate(catalog, vectors, members, data.completed_in_order(),
                                             recommender.BLENDS)
        fallen = evaluation.fallen_back(results)
        write_evaluation(results, now)
        counts["evaluate_ms"] = round((time.perf_counter() - started) * 1000)  # counts are whole numbers
        counts["served_as_popularity"] = len(fallen)
        counts["tuning_cases"] = max((r.tuning_cases for r in results), default=0)
        log.info("learn evaluation %s", " ".join(
            f"{r.ranker}=ndcg:{r.ndcg:.3f},hit:{r.hit_rate:.3f},cases:{r.cases},served:{int(r.served)},"
            f"weights:{'/'.join(f'{w:g}' for w in r.weights or ())}" for r in results))
        steps.done("evaluate")
        progress(0.5, N_("recommending"))
        blends = {**tuned, evaluation.POPULARITY: evaluation.BASELINE} if fallen else tuned
        recs = evaluation.serve(recommender.recommend(catalog, vectors, members, blends=blends), fallen)
        counts["recommendations"] = write_recommendations(recs, now)
        del recs
        steps.done("recommend")
        progress(0.7, N_("finding similar titles"))
        seeds = recommender.similar_seeds(catalog, members)
        counts["similar"] = write_similar(recommender.similar(catalog, vectors, seeds))
        steps.done("similar")
        del vectors, seeds
    del catalog, members
    memory.release()  # the freed arrays and objects back to the system before scikit-learn comes in
    progress(0.85, N_("forecasting"))
    from . import forecaster  # scikit-learn: after the big arrays are gone

    today = now.date()
    views = data.daily_views(now - timedelta(days=forecaster.HISTORY_DAYS + 1))
    forecasts, reports = forecaster.forecast(views, today, data.airing_releases())
    counts["forecasts"] = write_forecasts(forecasts, reports, now)
    steps.done("forecast")
    counts["peak_rss_mb"] = peak_rss_mb()
    progress(1.0, N_("done"))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m anihome.learn", description=__doc__.splitlines()[0])
    parser.add_argument("--run-id", type=int, default=None, help="the job run to report progress on")
    parser.add_argument("--channel", action="store_true",
                        help="started by the learn job: the request (settings, run id) on stdin, messages on stdout")
    args = parser.parse_args(argv)
    channel = None
    if args.channel:
        from ..jobs.child_channel import Channel

        channel = Channel.open()
        settings = load_settings(overrides=channel.request.get("settings") or {}, environ={})
        run_id = channel.request.get("run_id")
    else:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s %(message)s")
        settings, run_id = load_settings(), args.run_id
    database = db.open_database(settings)
    db.bind(database)
    try:
        with database.connection_context():
            counts = learn(Progress(run_id))
    except Exception as exc:
        if channel is None:
            raise
        log.exception("learn failed")
        channel.fail(exc)
        return 1
    finally:
        db.close_all(database)
    if channel is not None:
        channel.result(counts)
    else:
        print(json.dumps(counts, sort_keys=True), flush=True)
    return 0
