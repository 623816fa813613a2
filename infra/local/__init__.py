"""The local stack: moto in server mode, ``chalice local`` per stage, and an event runner."""
