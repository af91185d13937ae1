"""gunicorn settings shared by the image and the benchmarks: access log without survey tokens."""

from gunicorn.glogging import Logger

from coopqualite.logfilters import redact


class RedactingLogger(Logger):
    """Every value of an access-log line (request line, path, referer...) is redacted."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}


logger_class = RedactingLogger
