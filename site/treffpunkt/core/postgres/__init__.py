"""PostgreSQL for Treffpunkt: Django's backend with a pool that recovers at once from a restart
(see :mod:`.base`)."""
