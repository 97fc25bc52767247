"""The recommender's nightly held-out check (m0026): per ranker (blend "a", "b", or
"popularity") its hit rate@10 and NDCG@10, the number of cases, whether it was served and
whether there were enough cases to decide."""
from peewee import CharField, DateTimeField, FloatField, IntegerField, Model

from .schema import create_tables


class RecommenderReport(Model):
    ranker = CharField(max_length=16)
    hit_rate = FloatField()
    ndcg = FloatField()
    cases = IntegerField(default=0)
    served = IntegerField(default=1)
    enough = IntegerField(default=0)
    computed_at = DateTimeField()

    class Meta:
        table_name = "recommender_report"


def up(db):
    create_tables(db, RecommenderReport)
