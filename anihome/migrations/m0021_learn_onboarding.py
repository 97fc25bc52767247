"""Learning, part two (m0021): where a For-you open came from (the experiment's attribution,
so a conversion can be "started an episode of that title within 24 h"), and each member's
onboarding answer (picked favourites, or skipped) so the picker is offered once.

The built-in For-you experiment moves to the new metric; its old "opened" outcomes stay in
their table and are no longer counted for it."""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model

from .schema import create_tables


class User(Model):
    class Meta:
        table_name = "user"


class Release(Model):
    class Meta:
        table_name = "release"


class Experiment(Model):
    class Meta:
        table_name = "experiment"


class ForYouOpen(Model):
    experiment = ForeignKeyField(Experiment, on_delete="CASCADE", backref="+")
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    variant = CharField(max_length=40)
    opened_at = DateTimeField()

    class Meta:
        table_name = "foryou_open"
        indexes = ((("experiment", "user", "opened_at"), False),)


class Onboarding(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+", unique=True)
    status = CharField(max_length=16)
    picks = IntegerField(default=0)
    at = DateTimeField()

    class Meta:
        table_name = "onboarding"


def up(db):
    create_tables(db, ForYouOpen, Onboarding)
    db.execute_sql("UPDATE experiment SET metric = 'foryou_start' "
                   "WHERE name = 'for-you-blend' AND metric = 'foryou_open'")
