"""Household screens: which screen a session was started on.

``user_session.screen_id`` is the household screen where the member chose their profile
("Who's watching?"), NULL for a session from the sign-in form. Removing a screen deletes
its sessions with it (``ON DELETE CASCADE``; the service deletes them itself too), so a TV
that leaves the household does not stay signed in as the last member who used it.
"""


def up(db):
    db.execute_sql("ALTER TABLE user_session ADD COLUMN screen_id INTEGER "
                   "REFERENCES household_screen (id) ON DELETE CASCADE")
    db.execute_sql("CREATE INDEX user_session_screen_id ON user_session (screen_id)")
