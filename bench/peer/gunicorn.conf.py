"""gunicorn settings of the peer: the portal's (gunicorn.conf.py) without its access-log
redaction, which imports the portal. Workers and bind come from the command line."""

timeout = 60
graceful_timeout = 30
