"""Notifications: subscriptions, in-app notifications, push channels, the outbox and its sender.

* ``subscriptions`` — a member follows a release (all dubs or some); "watching" follows.
* ``fanout`` — turns domain signals (sync chunks, comment replies) into notifications.
* ``outbox`` — writes notifications and their deliveries in the caller's transaction.
* ``inbox`` — the in-app list: unread count, pages, mark read, delete.
* ``channels/`` — one module per push kind (ntfy, Telegram, webhook, email) + the service.
* ``delivery`` — the ``notify-deliver`` job: retries with backoff, quiet hours, idempotency.
* ``digest``, ``stalled`` — the weekly digest and the dub-stalled rule (jobs).
* ``household`` — the owner's controls: allowed kinds, SMTP settings, the delivery log.
"""
