#!/usr/bin/env python3
"""Renders the Helm chart in deploy/helm/schema-registry without helm and checks the manifests.

There is no helm binary on the machines this project is built on, so this script implements the part of Helm's Go
templates that the chart uses (if/else/range/with/define, include, pipelines and the sprig functions listed in FUNCS)
and renders the chart for several sets of values. Each rendered manifest must be YAML with apiVersion, kind and a
DNS-1123 name, and the objects must fit together: selectors match the pod labels, every named port and every
ConfigMap, Secret, claim and ServiceAccount a pod refers to is rendered, the pod runs as non-root on a read-only
root file system with probes and resources. A template construct this renderer does not know is an error, never
skipped. With `--print NAME` it prints the manifests of one scenario (as `helm template` would).
Usage: deploy/helm/check.py [--print default|sqlite|public]
"""

import base64
import copy
import hashlib
import json
import os
import re
import sys

import yaml

CHART = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema-registry")


class TemplateError(Exception):
    pass


class Fail(Exception):
    """The chart's own `fail` or `required`: a refusal of the values, with the chart's message."""


# ---- lexer and parser -------------------------------------------------------------------------------------------

ACTION = re.compile(r"\{\{(-\s)?(.*?)(\s-)?\}\}", re.S)
TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<num>-?\d+(?:\.\d+)?)|(?P<decl>:=)|(?P<pipe>\|)|(?P<lp>\()|(?P<rp>\))'
                   r"|(?P<comma>,)|(?P<var>\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)|(?P<field>\.[A-Za-z0-9_.]*)|(?P<ident>[A-Za-z_][A-Za-z0-9_]*))")


def lex(source):
    """Text and actions, with Go's whitespace trimming by '{{-' and '-}}'."""
    parts, pos = [], 0
    for m in ACTION.finditer(source):
        text = source[pos:m.start()]
        if m.group(1):
            text = text.rstrip()
        parts.append(("text", text))
        parts.append(("action", m.group(2).strip(), bool(m.group(3))))
        pos = m.end()
    parts.append(("text", source[pos:]))
    out = []
    trim_next = False
    for p in parts:
        if p[0] == "text":
            out.append(("text", p[1].lstrip() if trim_next else p[1]))
            trim_next = False
        else:
            out.append(("action", p[1]))
            trim_next = p[2]
    return out


def tokens(expr):
    result, pos = [], 0
    while pos < len(expr):
        if expr[pos:].strip() == "":
            break
        m = TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            raise TemplateError(f"cannot read {expr[pos:]!r} in {{{{ {expr} }}}}")
        kind = m.lastgroup
        result.append((kind, m.group(kind)))
        pos = m.end()
    return result


def parse(parts, i=0, stop=("end",)):
    """A list of nodes up to one of the stop keywords; returns (nodes, index of the stop action, its text)."""
    nodes = []
    while i < len(parts):
        part = parts[i]
        if part[0] == "text":
            nodes.append(("text", part[1]))
            i += 1
            continue
        action = part[1]
        word = action.split(None, 1)[0] if action else ""
        rest = action[len(word):].strip()
        if action.startswith("/*"):
            i += 1
            continue
        if word in ("end", "else"):
            if word not in stop and not (word == "else" and "else" in stop):
                raise TemplateError(f"unexpected {{{{ {action} }}}}")
            return nodes, i, action
        if word == "if":
            branches, i = parse_if(parts, i, rest)
            nodes.append(("if", branches))
            continue
        if word in ("range", "with"):
            body, j, closing = parse(parts, i + 1, ("end", "else"))
            alternative = []
            if closing.startswith("else"):
                alternative, j, _ = parse(parts, j + 1, ("end",))
            nodes.append((word, rest, body, alternative))
            i = j + 1
            continue
        if word == "define":
            body, j, _ = parse(parts, i + 1, ("end",))
            nodes.append(("define", json.loads(rest), body))
            i = j + 1
            continue
        if word in ("template", "block", "break", "continue"):
            raise TemplateError(f"{{{{ {word} }}}} is not supported by this renderer")
        nodes.append(("expr", action))
        i += 1
    if stop != ("eof",):
        raise TemplateError("missing {{ end }}")
    return nodes, i, None


def parse_if(parts, i, condition):
    branches = []
    while True:
        body, j, closing = parse(parts, i + 1, ("end", "else"))
        branches.append((condition, body))
        if closing == "end":
            return branches, j + 1
        rest = closing[len("else"):].strip()
        if rest.startswith("if "):
            condition, i = rest[3:].strip(), j
            continue
        body, j, _ = parse(parts, j + 1, ("end",))
        branches.append((None, body))
        return branches, j + 1


# ---- evaluation ----------------------------------------------------------------------------------------------------

def truthy(value):
    return not (value is None or value is False or value == 0 or value == "" or value == [] or value == {})


def field(value, path):
    for name in [p for p in path.split(".") if p]:
        if isinstance(value, dict):
            value = value.get(name)
        elif value is None:
            return None
        else:
            raise TemplateError(f"cannot take .{name} of {type(value).__name__}")
    return value


def text_of(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        raise TemplateError(f"a {type(value).__name__} printed as text (use toYaml)")
    return str(value)


def go_printf(fmt, *args):
    args = list(args)

    def one(m):
        if m.group(0) == "%%":
            return "%"
        return text_of(args.pop(0))
    return re.sub(r"%[svdq%]", one, fmt)


def to_yaml(value):
    if value in ({}, []):
        return "{}" if value == {} else "[]"
    return yaml.safe_dump(value, default_flow_style=False, sort_keys=True).rstrip("\n")


class Renderer:
    def __init__(self, chart, values, release):
        self.defines = {}
        self.root = {"Values": values, "Chart": chart, "Release": release,
                     "Capabilities": {"KubeVersion": {"Version": "v1.31.0"}}, "Template": {"BasePath": f"{chart['Name']}/templates"}}
        self.files = {}

    def load(self, name, source):
        nodes, _, _ = parse(lex(source), 0, ("eof",))
        self.files[name] = nodes
        self.defines[f"{self.root['Chart']['Name']}/templates/{name}"] = nodes
        self.collect(nodes)

    def collect(self, nodes):
        for node in nodes:
            if node[0] == "define":
                self.defines[node[1]] = node[2]

    def render_file(self, name):
        return self.render(self.files[name], self.root, {"$": self.root})

    def render(self, nodes, dot, variables):
        out = []
        for node in nodes:
            kind = node[0]
            if kind == "text":
                out.append(node[1])
            elif kind == "define":
                continue
            elif kind == "expr":
                value = self.pipeline(node[1], dot, variables)
                if not re.match(r"^\s*\$[A-Za-z0-9_]*\s*:=", node[1]):
                    out.append(text_of(value))
            elif kind == "if":
                for condition, body in node[1]:
                    if condition is None or truthy(self.pipeline(condition, dot, variables)):
                        out.append(self.render(body, dot, dict(variables)))
                        break
            elif kind == "with":
                value = self.pipeline(node[1], dot, variables)
                out.append(self.render(node[2], value, dict(variables)) if truthy(value) else self.render(node[3], dot, dict(variables)))
            elif kind == "range":
                out.append(self.range(node, dot, variables))
        return "".join(out)

    def range(self, node, dot, variables):
        m = re.match(r"^\s*(\$\w+)\s*(?:,\s*(\$\w+))?\s*:=\s*(.*)$", node[1], re.S)
        names, expr = ((m.group(1), m.group(2)), m.group(3)) if m else ((None, None), node[1])
        collection = self.pipeline(expr, dot, variables)
        items = sorted(collection.items()) if isinstance(collection, dict) else list(enumerate(collection or []))
        if not items:
            return self.render(node[3], dot, dict(variables))
        out = []
        for key, value in items:
            scope = dict(variables)
            if names[1]:
                scope[names[0]], scope[names[1]] = key, value
            elif names[0]:
                scope[names[0]] = value
            out.append(self.render(node[2], value, scope))
        return "".join(out)

    def pipeline(self, expr, dot, variables):
        toks = tokens(expr)
        declared = None
        if len(toks) >= 2 and toks[0][0] == "var" and toks[1][0] == "decl":
            declared, toks = toks[0][1], toks[2:]
        value, pos = self.commands(toks, 0, dot, variables)
        if pos != len(toks):
            raise TemplateError(f"unexpected {toks[pos][1]!r} in {{{{ {expr} }}}}")
        if declared:
            variables[declared] = value
        return value

    def commands(self, toks, pos, dot, variables):
        value, pos = self.command(toks, pos, dot, variables, None, False)
        while pos < len(toks) and toks[pos][0] == "pipe":
            value, pos = self.command(toks, pos + 1, dot, variables, value, True)
        return value, pos

    def command(self, toks, pos, dot, variables, piped, has_piped):
        operands = []
        while pos < len(toks) and toks[pos][0] not in ("pipe", "rp"):
            kind, text = toks[pos]
            if kind == "lp":
                value, pos = self.commands(toks, pos + 1, dot, variables)
                if pos >= len(toks) or toks[pos][0] != "rp":
                    raise TemplateError("missing )")
                operands.append(("value", value))
            else:
                operands.append((kind, text))
            pos += 1
        if not operands:
            raise TemplateError("empty command")
        head_kind, head = operands[0]
        if head_kind == "ident" and head not in ("true", "false", "nil"):
            if head not in FUNCS:
                raise TemplateError(f"function {head!r} is not supported by this renderer")
            args = [self.operand(o, dot, variables) for o in operands[1:]]
            if has_piped:
                args.append(piped)
            return FUNCS[head](self, *args), pos
        if len(operands) != 1 or has_piped:
            raise TemplateError(f"{head!r} is not a function")
        return self.operand(operands[0], dot, variables), pos

    def operand(self, operand, dot, variables):
        kind, text = operand
        if kind == "value":
            return text
        if kind == "str":
            return json.loads(text)
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "ident":
            return {"true": True, "false": False, "nil": None}[text]
        if kind == "field":
            return dot if text == "." else field(dot, text)
        if kind == "var":
            name, _, path = text.partition(".")
            if name not in variables:
                raise TemplateError(f"undefined variable {name}")
            return field(variables[name], path)
        raise TemplateError(f"unexpected {text!r}")

    def include(self, name, data):
        if name not in self.defines:
            raise TemplateError(f"no template named {name!r}")
        return self.render(self.defines[name], data, {"$": data if name.endswith(".yaml") else self.root})


def required(_, message, value):
    if not truthy(value):
        raise Fail(message)
    return value


def fail(_, message):
    raise Fail(message)


FUNCS = {
    "include": lambda r, name, data: r.include(name, data),
    "default": lambda r, fallback, value=None: value if truthy(value) else fallback,
    "trunc": lambda r, n, s: text_of(s)[:n],
    "trimSuffix": lambda r, suffix, s: text_of(s)[:-len(suffix)] if suffix and text_of(s).endswith(suffix) else text_of(s),
    "printf": lambda r, fmt, *args: go_printf(fmt, *args),
    "print": lambda r, *args: "".join(text_of(a) for a in args),
    "quote": lambda r, value: json.dumps(text_of(value), ensure_ascii=False),
    "nindent": lambda r, n, s: "\n" + "\n".join((" " * n + line) if line else line for line in text_of(s).split("\n")),
    "indent": lambda r, n, s: "\n".join((" " * n + line) if line else line for line in text_of(s).split("\n")),
    "toYaml": lambda r, value: to_yaml(value),
    "b64enc": lambda r, s: base64.b64encode(text_of(s).encode()).decode(),
    "sha256sum": lambda r, s: hashlib.sha256(text_of(s).encode()).hexdigest(),
    "int": lambda r, value: int(value or 0),
    "index": lambda r, collection, key: (collection or {}).get(key),
    "eq": lambda r, a, b: a == b,
    "ne": lambda r, a, b: a != b,
    "gt": lambda r, a, b: a > b,
    "and": lambda r, *args: next((a for a in args if not truthy(a)), args[-1]),
    "or": lambda r, *args: next((a for a in args if truthy(a)), args[-1]),
    "not": lambda r, value: not truthy(value),
    "required": required,
    "fail": fail,
}


# ---- the chart, rendered and checked -------------------------------------------------------------------------------

def render_chart(overrides):
    with open(os.path.join(CHART, "Chart.yaml")) as f:
        chart_yaml = yaml.safe_load(f)
    with open(os.path.join(CHART, "values.yaml")) as f:
        values = yaml.safe_load(f)
    merge(values, copy.deepcopy(overrides))
    chart = {"Name": chart_yaml["name"], "Version": chart_yaml["version"], "AppVersion": chart_yaml.get("appVersion", "")}
    release = {"Name": "demo", "Namespace": "registry", "Service": "Helm"}
    renderer = Renderer(chart, values, release)
    names = sorted(os.listdir(os.path.join(CHART, "templates")), key=lambda n: (not n.startswith("_"), n))
    for name in names:
        with open(os.path.join(CHART, "templates", name)) as f:
            renderer.load(name, f.read())
    manifests = {}
    for name in names:
        if not name.startswith("_"):
            manifests[name] = renderer.render_file(name)
    return values, manifests


def merge(target, source):
    for key, value in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = value


DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def check(values, manifests):
    problems = []
    objects = []
    for name, text in manifests.items():
        if not name.endswith(".yaml"):
            continue
        for doc in yaml.safe_load_all(text):
            if doc is None:
                continue
            where = f"{name}: {doc.get('kind')}"
            for key in ("apiVersion", "kind", "metadata"):
                if key not in doc:
                    problems.append(f"{where}: no {key}")
            meta = doc.get("metadata") or {}
            if not DNS1123.match(str(meta.get("name", ""))) or len(str(meta.get("name", ""))) > 63:
                problems.append(f"{where}: name {meta.get('name')!r} is not a DNS-1123 label")
            for key, value in (meta.get("labels") or {}).items():
                if not isinstance(value, str):
                    problems.append(f"{where}: label {key} is not a string")
            objects.append(doc)

    by_kind = {}
    for doc in objects:
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc

    for doc in by_kind.get("ConfigMap", {}).values():
        for key, value in (doc.get("data") or {}).items():
            if not isinstance(value, str):
                problems.append(f"ConfigMap {key}: value is not a string")
    for doc in by_kind.get("Secret", {}).values():
        for key, value in (doc.get("data") or {}).items():
            try:
                base64.b64decode(value, validate=True)
            except Exception:
                problems.append(f"Secret {key}: not base64")

    deployments = list(by_kind.get("Deployment", {}).values())
    if len(deployments) != 1:
        problems.append(f"{len(deployments)} Deployments rendered, not 1")
        return problems, objects
    deployment = deployments[0]
    spec = deployment["spec"]
    pod = spec["template"]
    pod_labels = pod["metadata"].get("labels") or {}
    if not set(spec["selector"]["matchLabels"].items()) <= set(pod_labels.items()):
        problems.append("Deployment selector does not match the pod labels")
    if values["autoscaling"]["enabled"] == ("replicas" in spec):
        problems.append("Deployment replicas must be set exactly when autoscaling is off")
    pod_spec = pod["spec"]
    security = pod_spec.get("securityContext") or {}
    if security.get("runAsNonRoot") is not True or not security.get("runAsUser"):
        problems.append("pod does not run as a non-root user")
    containers = pod_spec["containers"]
    container = containers[0]
    if not container.get("image") or container["image"].endswith(":"):
        problems.append("container has no image tag")
    csc = container.get("securityContext") or {}
    if csc.get("readOnlyRootFilesystem") is not True or csc.get("allowPrivilegeEscalation") is not False:
        problems.append("container root file system is not read-only or allows privilege escalation")
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        definition = container.get(probe)
        if not definition:
            problems.append(f"container has no {probe}")
            continue
        port = (definition.get("httpGet") or definition.get("tcpSocket") or {}).get("port")
        if port not in ports:
            problems.append(f"{probe} uses port {port!r}, which the container does not name")
    if not (container.get("resources") or {}).get("requests"):
        problems.append("container has no resource requests")
    for source in container.get("envFrom", []):
        if "configMapRef" in source and source["configMapRef"]["name"] not in by_kind.get("ConfigMap", {}):
            problems.append("envFrom names a ConfigMap that is not rendered")
        if "secretRef" in source:
            secret = source["secretRef"]["name"]
            if secret not in by_kind.get("Secret", {}) and secret != values["secrets"]["existingSecret"]:
                problems.append("envFrom names a Secret that is neither rendered nor existingSecret")
    volumes = {v["name"]: v for v in pod_spec.get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        if mount["name"] not in volumes:
            problems.append(f"volume mount {mount['name']} has no volume")
    if not any(m["mountPath"] == "/tmp" for m in container.get("volumeMounts", [])):
        problems.append("no writable /tmp for a read-only root file system")
    for volume in volumes.values():
        claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
        if claim and claim not in by_kind.get("PersistentVolumeClaim", {}):
            problems.append(f"claim {claim} is not rendered")
    account = pod_spec.get("serviceAccountName")
    if values["serviceAccount"]["create"] and account not in by_kind.get("ServiceAccount", {}):
        problems.append("serviceAccountName names a ServiceAccount that is not rendered")

    for service in by_kind.get("Service", {}).values():
        if not set(service["spec"]["selector"].items()) <= set(pod_labels.items()):
            problems.append("Service selector does not match the pod labels")
        for port in service["spec"]["ports"]:
            if port["targetPort"] not in ports:
                problems.append(f"Service targetPort {port['targetPort']} is not a container port name")
    for pdb in by_kind.get("PodDisruptionBudget", {}).values():
        if not set(pdb["spec"]["selector"]["matchLabels"].items()) <= set(pod_labels.items()):
            problems.append("PodDisruptionBudget selector does not match the pod labels")
    for hpa in by_kind.get("HorizontalPodAutoscaler", {}).values():
        if hpa["spec"]["scaleTargetRef"]["name"] != deployment["metadata"]["name"]:
            problems.append("HorizontalPodAutoscaler targets another Deployment")
    for ingress in by_kind.get("Ingress", {}).values():
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                if backend["name"] not in by_kind.get("Service", {}):
                    problems.append("Ingress backend names a Service that is not rendered")
    return problems, objects


SCENARIOS = {
    "default": ({}, None),
    "sqlite": ({"replicaCount": 1, "config": {"REGISTRY__STORAGE__PROVIDER": "sqlite"}, "persistence": {"enabled": True}}, None),
    "public": ({"autoscaling": {"enabled": True}, "ingress": {"enabled": True, "className": "nginx"},
                "tls": {"enabled": True, "secretName": "registry-tls"}, "secrets": {"existingSecret": "registry-secrets"},
                "nodeSelector": {"kubernetes.io/os": "linux"}}, None),
    "sqlite-replicas": ({"config": {"REGISTRY__STORAGE__PROVIDER": "sqlite"}}, "serves one replica only"),
    "tls-without-secret": ({"tls": {"enabled": True}}, "tls.secretName is required"),
}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--print":
        _, manifests = render_chart(SCENARIOS[sys.argv[2]][0])
        for name, text in manifests.items():
            print(f"---\n# Source: schema-registry/templates/{name}\n{text.strip()}")
        return 0
    failures = 0
    for name, (overrides, refusal) in SCENARIOS.items():
        try:
            values, manifests = render_chart(overrides)
        except Fail as e:
            if refusal and refusal in str(e):
                print(f"ok   {name}: refused as it should be: {e}")
            else:
                print(f"FAIL {name}: refused: {e}")
                failures += 1
            continue
        if refusal:
            print(f"FAIL {name}: rendered, but should have been refused ({refusal})")
            failures += 1
            continue
        problems, objects = check(values, manifests)
        kinds = ", ".join(sorted(o["kind"] for o in objects))
        if problems:
            failures += 1
            print(f"FAIL {name}: " + "; ".join(problems))
        else:
            print(f"ok   {name}: {kinds}")
    print(f"{len(SCENARIOS) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
