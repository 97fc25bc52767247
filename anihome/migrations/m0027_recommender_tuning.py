"""The recommender's nightly tuning (m0027): each ``recommender_report`` row also says which
weights the ranker used (content, household, popularity; a blend's are tonight's tuned
weights) and, for a tuned blend, its NDCG@10 on the tuning half and that half's number of
cases. NULL on rows written before (and on a blend left at its defaults for want of cases,
for ``tuned_ndcg``)."""
from peewee import FloatField, IntegerField
from playhouse.migrate import SchemaMigrator, migrate


def up(db):
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("recommender_report", "content_weight", FloatField(null=True)),
        migrator.add_column("recommender_report", "household_weight", FloatField(null=True)),
        migrator.add_column("recommender_report", "popularity_weight", FloatField(null=True)),
        migrator.add_column("recommender_report", "tuned_ndcg", FloatField(null=True)),
        migrator.add_column("recommender_report", "tuning_cases", IntegerField(null=True)),
    )
