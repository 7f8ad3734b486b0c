"""deploy/: the Kubernetes manifests validate against the Kubernetes API schemas (offline, the
`kubernetes-validate` package bundles them), the compose file against the Compose
specification (`compose-spec`), and both say what issue 20 asks of them. The compose file's
first-admin script runs for real."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from compose_spec import PyCompose

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s" / "repute.yaml"
COMPOSE = ROOT / "deploy" / "docker-compose.yml"
GRAFANA = ROOT / "deploy" / "grafana-dashboard.json"
KUBERNETES_VERSIONS = ["1.30.0", "1.33.0"]


def k8s_documents() -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(K8S.read_text(encoding="utf-8")) if d]


def by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in k8s_documents() if d["kind"] == kind}


def containers(document: dict[str, Any]) -> list[dict[str, Any]]:
    spec = document["spec"]["template"]["spec"]
    return [*spec.get("initContainers", []), *spec["containers"]]


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- Kubernetes


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_validates_strictly(version: str) -> None:
    documents = k8s_documents()
    assert len(documents) >= 8
    for document in documents:
        kubernetes_validate.validate(document, version, strict=True)


def test_the_validator_rejects_a_broken_manifest() -> None:
    worker = copy.deepcopy(by_kind("StatefulSet")["repute-worker"])
    worker["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["paht"] = "/"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(worker, KUBERNETES_VERSIONS[-1], strict=True)


def test_workers_are_a_statefulset_and_every_role_has_a_manifest() -> None:
    assert "repute-worker" in by_kind("StatefulSet")
    assert {"repute-sink", "repute-notify", "repute-dashboard"} <= set(by_kind("Deployment"))
    assert {"repute-worker", "repute-dashboard"} <= set(by_kind("Service"))


def test_every_container_requests_resources_and_reads_the_shared_settings() -> None:
    workloads = [*by_kind("StatefulSet").values(), *by_kind("Deployment").values()]
    for workload in workloads:
        for container in containers(workload):
            requests = container.get("resources", {}).get("requests", {})
            assert {"cpu", "memory"} <= set(requests), container["name"]
        main = workload["spec"]["template"]["spec"]["containers"][0]
        assert {"configMapRef": {"name": "repute-env"}} in main["envFrom"], main["name"]


def test_web_processes_are_probed_on_health() -> None:
    worker = by_kind("StatefulSet")["repute-worker"]
    dashboard = by_kind("Deployment")["repute-dashboard"]
    for workload in (worker, dashboard):
        main = workload["spec"]["template"]["spec"]["containers"][0]
        for probe in ("readinessProbe", "livenessProbe"):
            assert main[probe]["httpGet"]["path"] == "/health", (main["name"], probe)
    sink = by_kind("Deployment")["repute-sink"]["spec"]["template"]["spec"]["containers"][0]
    assert sink["readinessProbe"]["httpGet"]["path"] == "/metrics"


def test_the_notifier_is_probed_on_the_health_port_it_serves() -> None:
    from cli import build_parser

    notify = by_kind("Deployment")["repute-notify"]["spec"]["template"]
    main = notify["spec"]["containers"][0]
    args = build_parser().parse_args(main["args"])  # as the container's `repute` parses them
    ports = {port["name"]: port["containerPort"] for port in main["ports"]}
    assert args.loop and args.web_port == ports["web"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert main[probe]["httpGet"] == {"path": "/health", "port": "web"}, probe
    assert notify["metadata"]["annotations"]["prometheus.io/port"] == str(args.web_port)


def test_topics_are_created_with_the_cluster_replication() -> None:
    settings = by_kind("ConfigMap")["repute-env"]["data"]
    assert int(settings["REPUTE_REPLICATION"]) == 3
    assert settings["REPUTE_WEB_HOST"] == "0.0.0.0"


# ---------------------------------------------------------------- compose


def test_the_compose_file_follows_the_compose_specification() -> None:
    parsed = PyCompose.from_json(json.dumps(compose()))
    assert {"kafka", "worker", "sink", "notify", "dashboard"} <= set(parsed.service_names())


def test_the_compose_validator_rejects_an_unknown_key() -> None:
    broken = compose()
    broken["services"]["sink"]["portz"] = ["9100:9100"]
    with pytest.raises(ValueError, match="portz"):
        PyCompose.from_json(json.dumps(broken))


def test_compose_references_resolve() -> None:
    spec = compose()
    services, volumes = spec["services"], set(spec["volumes"])
    for name, service in services.items():
        for dependency in service.get("depends_on") or {}:
            assert dependency in services, (name, dependency)
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            assert source.startswith(("/", ".")) or source in volumes, (name, mount)


def test_kafka_keeps_its_logs_on_the_volume_and_the_host_listener_is_published() -> None:
    kafka = compose()["services"]["kafka"]
    env = kafka["environment"]
    (volume,) = kafka["volumes"]
    assert env["KAFKA_LOG_DIRS"] == volume.split(":")[1]
    listeners = dict(re.findall(r"(\w+)://([^,]*)", env["KAFKA_LISTENERS"]))
    advertised = dict(re.findall(r"(\w+)://([^,]*)", env["KAFKA_ADVERTISED_LISTENERS"]))
    (published,) = kafka["ports"]
    bind, host_port, container_port = published.split(":")
    assert container_port == listeners["HOST"].rsplit(":", 1)[1]
    assert advertised["HOST"] == f"localhost:{host_port}"
    assert bind == "127.0.0.1"


def test_published_ports_are_on_loopback_and_the_dashboard_has_a_login() -> None:
    services = compose()["services"]
    for name, service in services.items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)
    dashboard = services["dashboard"]
    assert dashboard["depends_on"]["dashboard-user"] == {
        "condition": "service_completed_successfully"
    }
    assert "notify" in services and services["notify"]["command"][:2] == ["notify", "--loop"]


def test_compose_checks_the_notifier_health_on_the_port_it_serves() -> None:
    from cli import build_parser

    notify = compose()["services"]["notify"]
    args = build_parser().parse_args(notify["command"])
    assert args.loop and args.web_port
    assert f"http://127.0.0.1:{args.web_port}/health" in " ".join(notify["healthcheck"]["test"])
    assert str(args.web_port) in notify["expose"]
    # /metrics for Prometheus on the compose network; the service publishes no host port
    assert notify["environment"]["REPUTE_WEB_HOST"] == "0.0.0.0" and "ports" not in notify


def first_admin_script(tmp_path: Path) -> str:
    """The dashboard-user service's script as the container's shell gets it, on `tmp_path`."""
    script = compose()["services"]["dashboard-user"]["command"][0]
    return script.replace("$$", "$").replace("/data/", f"{tmp_path}/")


def test_the_first_admin_script_adds_one_admin_once(tmp_path: Path) -> None:
    script = first_admin_script(tmp_path)
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"

    def run(password: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PATH": path, "REPUTE_ADMIN_PASSWORD": password}
        return subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True)

    refused = run("")
    assert refused.returncode == 1 and "REPUTE_ADMIN_PASSWORD" in refused.stderr
    assert run("correct horse battery").returncode == 0
    assert run("another long password").returncode == 0  # users exist: nothing to do
    users = subprocess.run(
        [
            Path(sys.executable).with_name("repute"),
            "user",
            "list",
            "--db",
            tmp_path / "repute.duckdb",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert [line.split("\t")[:2] for line in users] == [["admin", "admin"]]


# ---------------------------------------------------------------- Grafana


def test_the_grafana_dashboard_charts_metrics_the_processes_export() -> None:
    from analytics.delivery.service import NotifierMetrics
    from streams import metrics

    board = json.loads(GRAFANA.read_text(encoding="utf-8"))
    # a family's samples: name_total (counters), name_bucket/_sum/_count (histograms)
    notifier = NotifierMetrics().registry
    exported = {
        family.name + suffix
        for registry in (metrics.registry, metrics.sink_registry, notifier)
        for family in registry.collect()
        for suffix in ("", "_total", "_bucket", "_sum", "_count")
    }
    queried = {
        name
        for panel in board["panels"]
        for target in panel.get("targets", [])
        for name in re.findall(r"\brepute_[a-z_]+", target["expr"])
    }
    assert queried, "no panel queries a repute metric"
    assert queried <= exported, queried - exported
    assert any(name.startswith("repute_notify_") for name in queried), "no notifier panel"
