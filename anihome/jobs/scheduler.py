"""The one BackgroundScheduler of the serving process (placeholder until jobs land)."""
from apscheduler.schedulers.background import BackgroundScheduler


def start_scheduler(app) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=app.config["TIMEZONE"])
    scheduler.start()
    return scheduler
