"""Who may do what, and how a browser proves who it is: access levels, sessions, sign-in, CSRF, the secret key."""
