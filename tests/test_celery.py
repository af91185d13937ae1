import pytest

from cooperatives.tasks import ping
from tests.factories import CooperativeFactory


@pytest.mark.integration
def test_a_real_worker_runs_a_task_against_the_test_database(celery_worker):
    CooperativeFactory.create_batch(3)

    result = ping.delay().get(timeout=30)

    assert result == {"pong": True, "cooperatives": 3}


def test_without_a_broker_tasks_run_in_process(db):
    CooperativeFactory()

    assert ping.delay().get() == {"pong": True, "cooperatives": 1}
