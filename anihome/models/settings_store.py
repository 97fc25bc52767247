"""Key/value settings changed at run time from the admin pages (e.g. the Kodik token)."""
from peewee import CharField, DateTimeField, TextField

from .base import BaseModel


class AppSetting(BaseModel):
    key = CharField(max_length=60, primary_key=True)
    value = TextField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "app_setting"
