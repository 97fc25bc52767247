"""Helpers for migrations: create tables from frozen model definitions kept in the migration.

A migration declares the tables it creates as local Peewee models, so later changes to
``anihome.models`` never alter what an old migration does, and the DDL stays portable.
"""
from __future__ import annotations

from peewee import Database, Model


def create_tables(db: Database, *models: type[Model]) -> None:
    with db.bind_ctx(models):
        db.create_tables(models, safe=False)
