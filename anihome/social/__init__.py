"""Talk about releases: comments, reviews, reports, moderation and its audit log.

Services only, no Flask: ``comments`` and ``reviews`` write and read threads, ``markup``
turns stored plain text into safe HTML, ``spoilers`` decides per reader what text is sent,
``rules`` holds who may see and post (age cap, mutes, the owner's switches, the rate limit),
``moderation`` and ``audit`` serve the moderators and the owner.
"""
