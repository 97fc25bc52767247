"""Operations: backups that verify themselves, restore, start-up guards, health, disk space."""
