"""Peewee tables, one module per domain. The schema itself is owned by ``anihome.migrations``."""
from .accounts import ROLES, ApiToken, HouseholdScreen, Invite, User, UserSession
from .analytics import (AnalyticsReport, DailyDub, DailyHour, DailyMember, DailyMemberRelease,
                        DailyRelease, MemberDub, MemberHour, MemberRelease, MemberShare,
                        MemberSummary, RollupDirty, RollupState, ViewEvent)
from .catalog import Episode, Genre, Release, ReleaseGenre, ReleaseStudio, Studio, Translation
from .catalog_ui import CalendarFeed, ReleasePrefix
from .jobs import JobRun
from .learn import (Experiment, ExperimentExposure, ExperimentOutcome, Forecast, ForecastReport,
                    ForYouOpen, Onboarding, Recommendation, RecommenderReport, SimilarRelease)
from .library import (Collection, CollectionItem, ContinueHidden, Favorite, ListEntry,
                      ReleaseChoice, WatchEvent, WatchProgress)
from .notify import Channel, Delivery, Notification, NotifyPrefs, Subscription
from .settings_store import AppSetting
from .social import AuditEntry, Comment, Mute, Report, Review, ReviewVote

__all__ = ["ROLES", "ApiToken", "AppSetting", "Episode", "Genre", "Invite", "JobRun", "Release",
           "ReleaseGenre", "ReleaseStudio", "Studio", "Translation", "User", "UserSession"]
__all__ += ["HouseholdScreen"]
__all__ += ["CalendarFeed", "ReleasePrefix"]
__all__ += ["Collection", "CollectionItem", "ContinueHidden", "Favorite", "ListEntry",
            "ReleaseChoice", "WatchEvent", "WatchProgress"]
__all__ += ["AuditEntry", "Comment", "Mute", "Report", "Review", "ReviewVote"]
__all__ += ["Experiment", "ExperimentExposure", "ExperimentOutcome", "Forecast", "ForecastReport",
            "ForYouOpen", "Onboarding", "Recommendation", "RecommenderReport", "SimilarRelease"]
__all__ += ["AnalyticsReport", "DailyDub", "DailyHour", "DailyMember", "DailyMemberRelease",
            "DailyRelease", "MemberDub", "MemberHour", "MemberRelease", "MemberShare",
            "MemberSummary", "RollupDirty", "RollupState", "ViewEvent"]
__all__ += ["Channel", "Delivery", "Notification", "NotifyPrefs", "Subscription"]
