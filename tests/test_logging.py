import datetime as dt
import importlib.util
import logging
from pathlib import Path

from gunicorn.config import Config

from coopqualite.logfilters import RedactTokens, redact

TOKEN = "L09oT7KFZngTon5e9ux6yvIBF733ltMJo2IyX4ebVqY"


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []
        self.addFilter(RedactTokens())

    def emit(self, record):
        self.records.append(record)


def test_a_404_on_a_survey_link_is_logged_without_its_token(client, db):
    handler = _Collect()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.get(f"/r/{TOKEN}/page/99/")
    finally:
        logger.removeHandler(handler)

    messages = [record.getMessage() for record in handler.records]
    assert messages, "the 404 was logged"
    assert all(TOKEN not in message for message in messages)
    assert "/r/[jeton]/" in messages[0]


def test_the_gunicorn_access_log_hides_tokens_in_the_request_line_and_referer():
    path = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = conf.RedactingLogger(cfg)
    handler = _Collect()
    handler.filters.clear()  # the logger itself must redact
    logger.access_log.addHandler(handler)

    class Resp:
        status, sent, headers = "200 OK", 10, []

    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": f"/r/{TOKEN}/page/2/", "PATH_INFO": f"/r/{TOKEN}/",
        "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_REFERER": f"https://x.fr/d/{TOKEN}/",
    }  # fmt: skip
    logger.access(Resp(), [], environ, dt.timedelta(milliseconds=5))

    line = handler.records[0].getMessage()
    assert TOKEN not in line
    assert "/r/[jeton]/page/2/" in line


def test_redact_leaves_other_urls_alone():
    assert redact("/engagements/12/") == "/engagements/12/"
    assert redact(f"GET /d/{TOKEN}/ HTTP/1.1") == "GET /d/[jeton]/ HTTP/1.1"


def test_redact_hides_the_sign_in_and_signed_links_of_the_buyer_space():
    signed = "eyJiIjo4MSwibiI6IiJ9:1xXX0i:VD9HwTQP8yW6kYd9TaN9zZN3Z-4Mu5ORgIEyiu9jzSE"

    assert redact(f"GET /mon-espace/connexion/{TOKEN}/ HTTP/1.1") == (
        "GET /mon-espace/connexion/[jeton]/ HTTP/1.1"
    )
    assert redact(f"POST /mon-espace/lien/{signed}/") == "POST /mon-espace/lien/[jeton]/"
    assert redact("GET /mon-espace/connexion/ HTTP/1.1") == "GET /mon-espace/connexion/ HTTP/1.1"
