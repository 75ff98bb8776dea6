"""The Celery app the workers run (``celery -A pipeline.celery_app worker``): dagster-celery's step
task on the broker and result backend the definitions' executor uses (pipeline/defs/resources.py:
$OGI_CELERY_BROKER, $OGI_CELERY_BACKEND, both the Redis on 127.0.0.1 by default).

A worker executes each Dagster step in its own process, and a step that parses starts the
runner's process pool (per-file time limits, kill and replace). Celery's default prefork pool
runs tasks in daemon processes, which may not start children, so a worker runs with
``--pool solo`` (one step at a time): start one worker per core, or per machine with
``parse_workers`` set to its cores. ``pipeline.scale_out.worker_command`` says how.
"""

from __future__ import annotations

import os

from dagster_celery.executor import CeleryExecutor
from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_task

from pipeline.defs.resources import DEFAULT_BROKER


def broker_url() -> str:
    return os.environ.get("OGI_CELERY_BROKER") or DEFAULT_BROKER


def backend_url() -> str:
    return os.environ.get("OGI_CELERY_BACKEND") or broker_url()


app = make_app(CeleryExecutor.for_cli(broker=broker_url(), backend=backend_url()).app_args())
execute_plan = create_task(app)
