"""What cannot run here (no container engine, no cluster) is validated against the schemas that would judge it.

- deploy/kubernetes: each kustomization built as `kubectl apply -k` would build it (`kubectl kustomize`, kustomize
  v5 inside the machine's kubectl; no cluster is reached), the worker roles from one base (worker/) and a folder per
  role (roles/). Every object built, with kubernetes-validate --strict (PyPI) against Kubernetes' own API schemas,
  and the KEDA ScaledObjects against KEDA's published CRD schema (deploy/kubernetes/schemas), unknown fields refused
  as the strict check refuses them. Then what a schema cannot know: every Deployment runs its role of the package's
  program, selects its own pods only (its selector, its pods' labels and its spread constraint name its component),
  has probes and resource requests and a PodDisruptionBudget selecting the same pods; every ScaledObject and
  HorizontalPodAutoscaler targets one of those Deployments and scales it on a queue that Herald's topology declares
  (Topology.swift, a work queue per Stage).
- deploy/compose.yaml against the Compose Specification's schema (from the docker-compose 1.29 wheel on PyPI), every
  Herald service running an executable of the package, every dependency a service of the file.
- deploy/docker/Dockerfile installs the runtime packages the package's README names and builds with package.sh.
- Broken copies (an unknown Deployment field, a ScaledObject trigger without metadata, a compose service with an
  unknown key) must be refused: the validators are shown to bite.
Prints one line per check and exits non-zero on the first failure.
"""
import copy
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

import jsonschema
import yaml

K8S = "deploy/kubernetes"
WORKERS = {"herald-api", "herald-renderer", "herald-email", "herald-sms", "herald-poller", "herald-digest",
           "herald-callbacks", "herald-inbound"}
# Every container runs the one program, `herald <role>`.
ROLES = {name.replace("herald-", "", 1) for name in WORKERS} | {"sandbox", "ctl"}


def runs(command):
    """The role a container's command runs, or None when it is not `herald <role> …`."""
    return command[1] if len(command) >= 2 and command[0] == "herald" and command[1] in ROLES else None


def fail(message):
    print("deploy: FAIL " + message, flush=True)
    sys.exit(1)


def ok(message):
    print("deploy: ok   " + message, flush=True)


def documents(path):
    with open(path) as stream:
        return [document for document in yaml.safe_load_all(stream) if document]


def kubernetes_validate(paths):
    done = subprocess.run(["kubernetes-validate", "--strict", "--no-warn", *paths], capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def strict(schema):
    """As Kubernetes' structural schemas prune unknown fields, the strict check refuses them: every object schema
    with properties and no additionalProperties gets additionalProperties: false."""
    if isinstance(schema, dict):
        schema = {key: strict(value) for key, value in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    return schema


def keda_validator():
    (crd,) = documents(os.path.join(K8S, "schemas/keda.sh_scaledobjects.yaml"))
    (version,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1"]
    return jsonschema.Draft7Validator(strict(version["schema"]["openAPIV3Schema"]))


def kustomize(folder):
    """The objects `kubectl apply -k folder` would apply."""
    try:
        done = subprocess.run(["kubectl", "kustomize", folder], capture_output=True, text=True)
    except FileNotFoundError:
        fail("kubectl is not on PATH: it builds the kustomizations (kubectl kustomize) this test validates")
    if done.returncode != 0:
        fail("kubectl kustomize %s: %s" % (folder, done.stderr.strip()[-2000:]))
    return [document for document in yaml.safe_load_all(done.stdout) if document]


def check_kubernetes():
    built = {folder: kustomize(folder) for folder in
             (K8S, os.path.join(K8S, "autoscaling/hpa"), os.path.join(K8S, "autoscaling/keda"))}
    # Everything but the ScaledObjects (a CRD, checked below against KEDA's schema) goes to kubernetes-validate.
    objects = built[os.path.join(K8S, "autoscaling/hpa")]
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "built.yaml")
        yaml.safe_dump_all(objects, open(path, "w"))
        code, output = kubernetes_validate([path])
    passed = len(re.findall(r"^INFO .* passed for resource", output, re.M))
    if code != 0 or passed != len(objects):
        fail("kubernetes-validate: %d of %d objects passed:\n%s" % (passed, len(objects), output[-3000:]))
    ok("kubernetes-validate --strict: the %d objects kustomize builds from %s (with autoscaling/hpa)" % (len(objects), K8S))
    base = built[K8S]
    if [d for d in objects if d["kind"] != "HorizontalPodAutoscaler"] != base:
        fail("autoscaling/hpa builds more than the base and its HPAs")

    validator = keda_validator()
    scaled = [d for d in built[os.path.join(K8S, "autoscaling/keda")] if d["kind"] == "ScaledObject"]
    for document in scaled:
        errors = list(validator.iter_errors(document))
        if errors or document.get("apiVersion") != "keda.sh/v1alpha1":
            fail("ScaledObject %s: %s" % (document.get("metadata", {}).get("name"), [e.message for e in errors]))
    ok("%d KEDA ScaledObjects against KEDA's CRD schema" % len(scaled))

    if any(d["metadata"].get("namespace") != "herald" for d in base if d["kind"] != "Namespace"):
        fail("an object outside the herald namespace")
    deployments = {d["metadata"]["name"]: d for d in base if d["kind"] == "Deployment"}
    budgets = {d["metadata"]["name"]: d for d in base if d["kind"] == "PodDisruptionBudget"}
    for name, deployment in deployments.items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        if runs(container["command"]) is None or "herald-" + runs(container["command"]) != name:
            fail("Deployment %s runs %s" % (name, container["command"]))
        if container["name"] != name:
            fail("Deployment %s names its container %s" % (name, container["name"]))
        if not all(k in container for k in ("livenessProbe", "readinessProbe")) or "requests" not in container["resources"]:
            fail("Deployment %s lacks probes or resource requests" % name)
        component = {"app.kubernetes.io/name": "herald", "app.kubernetes.io/component": runs(container["command"])}
        selectors = [deployment["spec"]["selector"]["matchLabels"]]
        selectors += [c["labelSelector"]["matchLabels"] for c in deployment["spec"]["template"]["spec"].get(
            "topologySpreadConstraints", [])]
        if name not in budgets:
            fail("Deployment %s has no PodDisruptionBudget" % name)
        selectors.append(budgets[name]["spec"]["selector"]["matchLabels"])
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        if any(selector != component for selector in selectors) or any(labels.get(k) != v for k, v in component.items()):
            fail("Deployment %s: selectors %s, pod labels %s; each must be %s" % (name, selectors, labels, component))
    if set(deployments) != WORKERS:
        fail("Deployments are %s" % sorted(deployments))
    if not any(d["kind"] == "Job" for d in base) or not any(d["kind"] == "Service" for d in base):
        fail("no migration Job or no Service")

    queues = set(re.findall(r'"(herald\.[a-z.]+)"', open("Sources/HeraldBus/Topology.swift").read()))
    queues |= {"herald." + stage for stage in re.findall(r'case \w+ = "([a-z.]+)"', open("Sources/HeraldCore/Stage.swift").read())}
    hpas = [d for d in objects if d["kind"] == "HorizontalPodAutoscaler"]
    for document in scaled + hpas:
        target = document["spec"]["scaleTargetRef"]["name"]
        if target not in deployments:
            fail("%s %s scales %s, which is no Deployment" % (document["kind"], document["metadata"]["name"], target))
        named = [t["metadata"]["queueName"] for t in document["spec"].get("triggers", []) if t["type"] == "rabbitmq"]
        named += [m["external"]["metric"]["selector"]["matchLabels"]["queue"] for m in document["spec"].get("metrics", [])
                  if m["type"] == "External"]
        if not named or not set(named) <= queues:
            fail("%s %s scales on %s; the topology's queues are %s" % (document["kind"], target, named, sorted(queues)))
    ok("every Deployment runs its herald role with probes, requests and a PDB; %d ScaledObjects and %d HPAs scale "
       "them on queues of the topology" % (len(scaled), len(hpas)))
    return scaled, validator, deployments


def check_compose():
    (wheel,) = glob.glob(".herald/pip/docker_compose-1.29.2-*.whl") or [None]
    if not wheel:
        fail("no docker-compose wheel in .herald/pip (scripts/setup.sh fetches it)")
    schema = json.loads(zipfile.ZipFile(wheel).read("compose/config/compose_spec.json"))
    validator = jsonschema.Draft7Validator(schema)
    compose = yaml.safe_load(open("deploy/compose.yaml"))
    errors = list(validator.iter_errors(compose))
    if errors:
        fail("deploy/compose.yaml: %s" % ["%s: %s" % (list(e.path), e.message) for e in errors])
    services = compose["services"]
    for name, service in services.items():
        if service.get("image", "").startswith("herald:") and runs(service["command"]) is None:
            fail("compose service %s runs %s" % (name, service["command"]))
        for dependency in service.get("depends_on") or []:
            if dependency not in services:
                fail("compose service %s depends on %s, which is not a service" % (name, dependency))
    missing = (WORKERS | {"migrate", "topology", "sandbox", "postgres", "rabbitmq"}) - set(services)
    if missing:
        fail("compose has no %s" % sorted(missing))
    ok("deploy/compose.yaml against the Compose Specification schema: %d services" % len(services))
    return validator, compose


def check_dockerfile():
    text = open("deploy/docker/Dockerfile").read()
    runtime = text.split("FROM ${RUNTIME_IMAGE}")[-1]
    needed = re.search(r"apt-get install --no-install-recommends (.*)", open("deploy/package/README.md").read()).group(1)
    if not all(package in runtime for package in needed.split()) or "scripts/package.sh" not in text:
        fail("the Dockerfile's runtime stage does not install %s, or its build does not run package.sh" % needed)
    ok("the Dockerfile builds with package.sh and installs only %s at run time" % needed)


def check_refusals(scaled, keda, deployments, compose_validator, compose):
    with tempfile.TemporaryDirectory() as folder:
        broken = [copy.deepcopy(deployments["herald-email"])]
        broken[0]["spec"]["replicaz"] = 3
        path = os.path.join(folder, "broken.yaml")
        yaml.safe_dump_all(broken, open(path, "w"))
        code, output = kubernetes_validate([path])
        if code == 0:
            fail("kubernetes-validate accepted a Deployment with an unknown field:\n%s" % output)
    trigger = copy.deepcopy(scaled[0])
    del trigger["spec"]["triggers"][0]["metadata"]
    misspelt = copy.deepcopy(scaled[0])
    misspelt["spec"]["maxReplicas"] = 3
    compose = copy.deepcopy(compose)
    compose["services"]["herald-email"]["replicaz"] = 2
    if keda.is_valid(trigger) or keda.is_valid(misspelt) or compose_validator.is_valid(compose):
        fail("a broken ScaledObject or compose file was accepted")
    ok("broken copies refused: an unknown Deployment field, a trigger without metadata, an unknown ScaledObject "
       "field, an unknown compose key")


def main():
    scaled, keda, deployments = check_kubernetes()
    compose_validator, compose = check_compose()
    check_dockerfile()
    check_refusals(scaled, keda, deployments, compose_validator, compose)


if __name__ == "__main__":
    main()
