"""The base model: every table binds to the late-bound database proxy."""
from peewee import Model

from ..db import database


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False
