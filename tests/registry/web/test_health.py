"""Health and readiness for a load balancer: alive whenever the process answers; ready only
when the database and the blob store can be reached, saying which one is not."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flask.testing import FlaskClient

from registry.instance import Instance
from registry.services.setup.pki import pki_services
from registry.storage import LocalBlobStore
from registry.web import create_app
from tests.support.pki import free_port
from tests.support.redis_server import SharedRedis
from tests.support.web import PASSPHRASE, second_host


def _client(instance: Instance) -> FlaskClient:
    app = create_app(instance, pki=pki_services(instance, PASSPHRASE.encode()))
    app.config.update(TESTING=True)
    return app.test_client()


def test_a_running_instance_is_alive_and_ready(client: FlaskClient) -> None:
    alive = client.get("/healthz")
    assert alive.status_code == 200 and alive.get_json() == {"status": "alive"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ready", "checks": {"database": "ok", "storage": "ok"}}
    assert ready.headers["Cache-Control"] == "no-store"


def test_an_unreachable_database_is_not_ready_but_alive(demo_instance: Instance) -> None:
    config = demo_instance.config
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=2"
    gone = replace(config, database=replace(config.database, url=unreachable, url_env=""))
    instance = Instance(demo_instance.folder, gone, demo_instance.blobs)
    client = _client(instance)
    assert client.get("/healthz").status_code == 200
    answer = client.get("/readyz")
    assert answer.status_code == 503
    checks = answer.get_json()["checks"]
    assert checks["database"].startswith("unreachable:") and checks["storage"] == "ok"
    instance.engine.dispose()


def test_a_missing_blob_folder_is_not_ready(demo_instance: Instance, tmp_path: Path) -> None:
    unmounted = LocalBlobStore(tmp_path / "not-mounted" / "blobs")
    client = _client(replace(demo_instance, blobs=unmounted))
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json() == {
        "status": "not ready",
        "checks": {"database": "ok", "storage": "the blob folder is missing"},
    }


def test_a_configured_redis_is_checked(
    demo_instance: Instance, tmp_path: Path, redis_server: SharedRedis
) -> None:
    reached = second_host(demo_instance, tmp_path / "a", redis_url=redis_server.url)
    answer = _client(reached).get("/readyz")
    assert answer.status_code == 200 and answer.get_json()["checks"]["redis"] == "ok"
    away = f"redis://127.0.0.1:{free_port()}/0"
    answer = _client(second_host(demo_instance, tmp_path / "b", redis_url=away)).get("/readyz")
    assert answer.status_code == 503
    checks = answer.get_json()["checks"]
    assert checks["redis"].startswith("unreachable:") and checks["database"] == "ok"
