import time, redis
from django.db import connection
from enquetes import tasks
from enquetes.models import Message
from tests.enquetes.factories import campaign_launched

def test_dbg(coop_a, programme_a, smtp_server, celery_worker_smtp, monkeypatch):
    campaign_launched(cooperative=coop_a, programme=programme_a, buyers=3)
    print("in_atomic", connection.in_atomic_block, tasks.messages_send_task.app.conf.task_always_eager, tasks.messages_send_task.app.conf.broker_url)
    r = redis.Redis.from_url(tasks.messages_send_task.app.conf.broker_url)
    print("queues before", r.keys("*"))
    print(tasks.surveys_dispatch_task())
    print("queues after", r.keys("*"), r.llen("celery"))
    time.sleep(5)
    print("queues later", r.keys("*"), r.llen("celery"))
    print(list(Message.objects.values_list("status", flat=True)))
    print(len(smtp_server.messages))
    assert 0
