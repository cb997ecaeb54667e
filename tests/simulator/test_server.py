"""SimulatorServer on a real loopback socket: the full flow, background ticks, threads, drops, shutdown."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sakari_tui.simulator import ManualClock, SimulatorConfig, SimulatorServer
from sakari_tui.simulator.server import banner, serve

from .conftest import wait_until
from .receiver import WebhookReceiver
from .spec import validate_response

FAST = {"sent_after": 0.05, "delivered_after": 0.1, "tick_interval": 0.02, "failure_rate": 0.0}


@contextlib.contextmanager
def _client(server: SimulatorServer) -> Iterator[httpx.Client]:
    """A sync client holding a fresh token for `server`."""
    with httpx.Client(base_url=server.base_url, timeout=5) as client:
        token = client.post(
            server.token_url,
            json={
                "grant_type": "client_credentials",
                "client_id": server.client_id,
                "client_secret": server.client_secret,
            },
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def test_server_serves_the_api_over_loopback_and_stops_cleanly():
    with SimulatorServer() as server:
        assert server.base_url.startswith("http://127.0.0.1:") and server.port > 0
        assert server.token_url == server.base_url + "/oauth2/token"
        assert (server.account_id, server.client_id) == ("demo-account", "demo-client-id")
        with _client(server) as client:
            response = client.get(f"/v1/accounts/{server.account_id}/conversations")
            validate_response("conversations.fetchAll", response)
            assert response.json()["pagination"]["totalCount"] == len(server.state.conversations)
            media = next(m for m in server.state.messages.values() if m.kind == "MMS")
            link = client.get(f"/v1/accounts/{server.account_id}/messages/{media.id}").json()["data"]["media"][0]["url"]
            assert link.startswith(server.base_url) and client.get(link).status_code == 200
        thread = server._thread
    assert thread is not None and not thread.is_alive()
    assert not [t for t in threading.enumerate() if t.name.startswith("sakari-simulator")]


def test_overrides_and_two_servers_side_by_side():
    with SimulatorServer(seed=5, demo_data=False) as one, SimulatorServer(SimulatorConfig(account_id="other")) as two:
        assert one.port != two.port
        assert one.config.seed == 5 and not one.state.conversations
        assert two.account_id == "other"


def test_background_tick_advances_statuses_on_the_real_clock():
    with SimulatorServer(**FAST) as server, _client(server) as client:
        sent = client.post(
            f"/v1/accounts/{server.account_id}/messages",
            json={"contacts": [{"mobile": {"number": "+14155550142"}}], "template": "hi"},
        ).json()["data"]["messages"][0]
        wait_until(lambda: server.state.messages[sent["id"]].status == "delivered")


def test_customers_reply_and_webhooks_arrive_through_the_tick():
    with (
        WebhookReceiver() as receiver,
        SimulatorServer(
            customers=True,
            demo_data=False,
            reply_probability=1.0,
            reply_delay=(0.05, 0.1),
            new_conversation_every=(3600, 3601),
            **FAST,
        ) as server,
    ):
        with _client(server) as client:
            client.post(
                f"/v1/accounts/{server.account_id}/webhooks",
                json={"url": receiver.url, "eventTypes": ["message-received"]},
            )
            client.post(
                f"/v1/accounts/{server.account_id}/messages",
                json={"contacts": [{"mobile": {"number": "+14155550142"}}], "template": "How did we do?"},
            )
        wait_until(lambda: len(receiver.of_type("message-received")) == 1)
        assert receiver.events[0]["payload"]["contact"]["mobile"]["number"] == "+14155550142"


def test_other_threads_can_inject_texts_and_change_faults_while_serving():
    with SimulatorServer(demo_data=False) as server, _client(server) as client:

        def inject(worker: int) -> None:
            for n in range(25):
                server.state.inject_inbound(f"+1415555{worker}{n:03d}", f"text {n}")

        workers = [threading.Thread(target=inject, args=(w,)) for w in range(4)]
        for worker in workers:
            worker.start()
        while any(worker.is_alive() for worker in workers):
            assert client.get(f"/v1/accounts/{server.account_id}/conversations").status_code == 200
        for worker in workers:
            worker.join()
        body = client.get(f"/v1/accounts/{server.account_id}/messages", params={"limit": 1}).json()
        assert body["pagination"]["totalCount"] == 100
        server.state.set_faults(error_rate=1.0)
        assert client.get(f"/v1/accounts/{server.account_id}/contacts").status_code in (500, 503)


def test_dropped_connection_after_commit_is_a_remote_protocol_error(caplog):
    caplog.set_level(logging.DEBUG)
    with SimulatorServer(demo_data=False) as server, _client(server) as client:
        server.state.set_faults(drop_after_commit_rate=1.0, operations=["POST /v1/accounts/{accountId}/messages"])
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(
                f"/v1/accounts/{server.account_id}/messages",
                json={"contacts": [{"mobile": {"number": "+14155550142"}}], "template": "did this go out?"},
            )
        listed = client.get(f"/v1/accounts/{server.account_id}/messages").json()["data"]
        assert [m["message"] for m in listed] == ["did this go out?"]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("uvicorn")]


def test_a_write_held_past_the_clients_timeout_still_commits_later():
    with SimulatorServer(demo_data=False) as server, _client(server) as client:
        server.state.set_faults(
            commit_delay=0.5, commit_delay_rate=1.0, operations=["POST /v1/accounts/{accountId}/messages"]
        )
        with pytest.raises(httpx.ReadTimeout):
            client.post(
                f"/v1/accounts/{server.account_id}/messages",
                timeout=0.1,
                json={"contacts": [{"mobile": {"number": "+14155550142"}}], "template": "saved after you gave up"},
            )
        # The client has given up; the server still saves the text a little later.
        wait_until(lambda: [m.text for m in server.state.messages.values()] == ["saved after you gave up"])


def test_the_date_header_is_the_simulators_clock_and_only_once():
    clock = ManualClock(start=1_000_000_000.0)  # 2001: far from the wall clock
    with SimulatorServer(demo_data=False, clock=clock) as server, _client(server) as client:
        server.state.set_faults(clock_offset=-600.0)
        response = client.get(f"/v1/accounts/{server.account_id}/contacts")
        assert response.headers.get_list("date") == ["Sun, 09 Sep 2001 01:36:40 GMT"]


def test_a_taken_port_is_an_os_error():
    with SimulatorServer(demo_data=False) as server:
        with pytest.raises(OSError):
            SimulatorServer(demo_data=False, port=server.port).start()
        with pytest.raises(OSError):
            serve(port=server.port)


def test_banner_has_credentials_urls_and_a_curl_example():
    text = banner(SimulatorConfig(), "http://127.0.0.1:8765")
    for expected in (
        "demo-account",
        "demo-client-id",
        "demo-client-secret-not-a-real-secret",
        "http://127.0.0.1:8765/oauth2/token",
        "curl -s -X POST",
        "'http://127.0.0.1:8765/v1/accounts/demo-account/conversations?limit=5'",
    ):
        assert expected in text


@pytest.mark.skipif(os.name == "nt", reason="SIGINT delivery to a child differs on Windows")
def test_serve_runs_until_ctrl_c_and_exits_cleanly():
    repo = Path(__file__).resolve().parents[2]
    code = "from sakari_tui.simulator.server import serve; serve(port=0, customers=False)"
    process = subprocess.Popen(
        [sys.executable, "-c", code], cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lines = []
    try:
        for line in process.stdout:
            lines.append(line)
            if "Serving until Ctrl+C" in line:
                break
        url = next(line.split()[-1] for line in lines if line.strip().startswith("API URL"))
        assert httpx.get(url + "/_sim", timeout=5).json()["data"]["accountId"] == "demo-account"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Simulator stopped." in out
    assert "Traceback" not in err


def test_requests_over_the_socket_are_fast():
    """Guards against Nagle's delay (~40 ms a response) coming back: see _bind in server.py."""
    with SimulatorServer(demo_data=False) as server, _client(server) as client:
        started = time.perf_counter()
        for _ in range(30):
            client.get(f"/v1/accounts/{server.account_id}/contacts")
        assert (time.perf_counter() - started) / 30 < 0.02
