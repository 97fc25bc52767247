"""``anihome sync``, ``anihome demo`` and ``anihome fake-kodik``.

``sync`` and ``demo`` run the Kodik jobs in this process, recorded like any other run
(trigger "cli"), and exit non-zero with the reason when the run fails. ``fake-kodik``
serves the built-in fake Kodik API for trying AniHome offline or benchmarking it.
"""
from __future__ import annotations

import json

import click


def _run(app, job_id: str) -> None:
    from ..errors import AppError
    from ..jobs.runner import run_job

    try:
        run = run_job(app, job_id, "cli")
    except AppError as exc:
        raise click.ClickException(exc.message) from None
    counts = json.loads(run.counts or "{}")
    duration = f"{run.duration_seconds:.1f}s" if run.duration_seconds is not None else "-"
    if run.status != "succeeded":
        reason = (run.error or run.status).removeprefix("SyncError: ")
        raise click.ClickException(f"{job_id} {run.status} after {duration} (run {run.id}): {reason}")
    summary = " ".join(f"{name}={value}" for name, value in sorted(counts.items()))
    click.echo(f"{job_id} succeeded in {duration} (run {run.id}) {summary}".rstrip())


def register(cli: click.Group) -> None:
    @cli.command()
    @click.option("--full", "mode", flag_value="full", help="Walk the whole catalog (resumes an unfinished walk).")
    @click.option("--incremental", "mode", flag_value="incremental", default=True,
                  help="Fetch what changed since the last sync (the default).")
    def sync(mode):
        """Sync the catalog from Kodik now; exit non-zero with the reason on failure."""
        from ..kodik.jobs import FULL_JOB, INCREMENTAL_JOB
        from .context import app_context

        with app_context() as app:
            _run(app, FULL_JOB if mode == "full" else INCREMENTAL_JOB)

    @cli.command()
    def demo():
        """Load the offline demo catalog (a few thousand fake titles) into an empty catalog."""
        from ..kodik.jobs import DEMO_JOB
        from .context import app_context

        with app_context() as app:
            _run(app, DEMO_JOB)

    @cli.command("fake-kodik")
    @click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
    @click.option("--port", type=int, default=8777, show_default=True, help="Port to listen on (0 picks one).")
    @click.option("--items", type=click.IntRange(1, 2_000_000), default=10_000, show_default=True,
                  help="Catalog size (items = title x translation).")
    @click.option("--seed", type=int, default=1, show_default=True, help="Seed of the deterministic catalog.")
    @click.option("--token", default=None, help="Token the fake accepts (default: fake-kodik-token).")
    def fake_kodik(host, port, items, seed, token):
        """Serve a fake Kodik API with a deterministic catalog (for demos, tests, benchmarks)."""
        import logging

        from ..kodik.fake.server import DEFAULT_TOKEN, serve_forever

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
        serve_forever(host=host, port=port, items=items, seed=seed, token=token or DEFAULT_TOKEN)
