"""A production server says in its log, once, when its first requests show the proxy is not
trusted (every caller has one address) or TLS is not seen (FORWARDED_ALLOW_IPS, README)."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.deployment import DeploymentCheck


def server(address: str, base_url: str = "http://testserver") -> TestClient:
    app = FastAPI()
    app.get("/")(lambda: {})
    return TestClient(DeploymentCheck(app, first_requests=3), base_url, client=(address, 1))


def test_one_address_over_plain_http_is_logged_once_after_the_first_requests(caplog):
    client = server("10.0.0.2")
    for _ in range(2):
        client.get("/")
    assert caplog.records == [], "too early to tell"
    for _ in range(5):
        client.get("/")
    said = [record.getMessage() for record in caplog.records]
    assert len(said) == 2
    assert "10.0.0.2" in said[0] and "FORWARDED_ALLOW_IPS" in said[0]
    assert "https" in said[1]


def test_health_checks_are_not_taken_for_callers(caplog):
    client = server("10.0.0.2", "https://testserver")
    for _ in range(5):
        client.get("/api/v1/health")
    assert caplog.records == []
