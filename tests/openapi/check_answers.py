#!/usr/bin/env python3
"""check_answers.py ORDO_BINARY OPENAPI_JSON: the API description against the real node.

Starts `ordo serve` twice on temp data dirs (auth off, then auth on), sends every route of the
description (successes and the problems it can give), and checks that each answer's status is
documented for its route, that its JSON body matches that response's schema, that documented
headers it carries match theirs, and that every operation was exercised. Also checks that the
node serves /openapi.json equal to the converted docs/openapi.yaml. Exits 1 with the list of
mismatches, so the description cannot drift from the code.
"""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import jsonschema

HANG_STEP_MS = "600000"  # the tok_hang saga stays in `authorizing` for the whole run


class Node:
    def __init__(self, binary, env_extra):
        self.dir = tempfile.mkdtemp(prefix="ordo-openapi-")
        env = {k: v for k, v in os.environ.items() if not k.startswith("ORDO_")}
        env.update(env_extra)
        self.process = subprocess.Popen([binary, "serve", "--port", "0", "--data", self.dir],
                                        stdout=subprocess.PIPE, env=env, text=True)
        line = self.process.stdout.readline()
        match = re.search(r"serving http://[^:]+:(\d+)", line)
        if not match:
            raise RuntimeError("ordo did not start: " + line)
        self.port = int(match.group(1))

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


class Checker:
    def __init__(self, document):
        self.document = document
        self.problems = []
        self.exercised = set()
        self.checked = 0
        # Templates as regular expressions, literal paths first ("/console" before "/{file}").
        self.routes = []
        for template, item in document["paths"].items():
            pattern = "^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template)) + "$"
            self.routes.append((re.compile(pattern), template, item))

    def operation(self, method, path):
        path = path.split("?")[0]
        for pattern, template, item in self.routes:
            if pattern.match(path) and method.lower() in item:
                return template, item[method.lower()]
        return None, None

    def deref(self, node):
        while isinstance(node, dict) and list(node) == ["$ref"]:
            target = self.document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def validate(self, schema, value, where):
        # The fragment with the document's components beside it, so "#/components/..." resolves.
        root = dict(schema)
        root["components"] = self.document["components"]
        validator = jsonschema.Draft202012Validator(
            root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        for error in validator.iter_errors(value):
            self.problems.append(f"{where}: {error.message} at {list(error.absolute_path)}")

    def check(self, method, path, status, headers, body):
        template, operation = self.operation(method, path)
        where = f"{method} {path} -> {status}"
        if status == 405:
            # Any known path under another method: one response for all (the description's info).
            self.check_response(self.document["components"]["responses"]["MethodNotAllowed"],
                                status, headers, body, where)
            return
        if operation is None:
            self.problems.append(f"{where}: no such route in the description")
            return
        self.exercised.add((method, template))
        response = operation.get("responses", {}).get(str(status))
        if response is None:
            self.problems.append(f"{where}: status not documented for {method} {template}")
            return
        self.check_response(response, status, headers, body, where)

    def check_response(self, response, status, headers, body, where):
        response = self.deref(response)
        self.checked += 1
        for name, header in response.get("headers", {}).items():
            value = headers.get(name.lower())
            if value is not None:
                self.validate(self.deref(header)["schema"], value, f"{where} header {name}")
        content_type = headers.get("content-type", "").split(";")[0].strip()
        content = response.get("content", {})
        documented = {key.split(";")[0].strip(): value for key, value in content.items()}
        if status in (204, 304):
            if body:
                self.problems.append(f"{where}: a {status} answer with a body")
            return
        if content_type not in documented:
            self.problems.append(f"{where}: content type {content_type!r} not documented")
            return
        if content_type.endswith("json"):
            schema = documented[content_type].get("schema")
            if schema is not None:
                self.validate(schema, json.loads(body), where)


class Client:
    def __init__(self, port, checker, token=None):
        self.port = port
        self.checker = checker
        self.token = token

    def call(self, method, path, body=None, headers=None, expect=None, json_body=True):
        all_headers = dict(headers or {})
        if self.token:
            all_headers["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = json.dumps(body) if json_body else body
        if method in ("POST", "DELETE") and "Content-Type" not in all_headers:
            all_headers["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, body=data, headers=all_headers)
        response = connection.getresponse()
        text = response.read().decode()
        answer_headers = {k.lower(): v for k, v in response.getheaders()}
        connection.close()
        self.checker.check(method, path, response.status, answer_headers, text)
        if expect is not None and response.status != expect:
            self.checker.problems.append(
                f"{method} {path}: expected {expect}, got {response.status} {text[:200]}")
        return response.status, answer_headers, text


def wait_for(condition, limit_s=30):
    until = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > until:
            raise RuntimeError("timed out waiting")
        time.sleep(0.02)


def exercise_open_node(api):
    item = {"sku": "s1", "quantity": 2, "unit_price_cents": 250}
    api.call("GET", "/healthz", expect=200)
    api.call("GET", "/readyz", expect=200)
    api.call("GET", "/metrics", expect=200)
    _, headers, _ = api.call("GET", "/console", expect=200)
    api.call("GET", "/console", headers={"If-None-Match": headers.get("etag", "")}, expect=304)
    api.call("GET", "/console/main.js", expect=200)
    api.call("GET", "/console/nope.js", expect=404)
    api.call("POST", "/v1/inventory/s1/restock", {"quantity": 100}, expect=200)
    api.call("POST", "/v1/inventory/s1/restock", {"quantity": 0}, expect=400)
    api.call("GET", "/v1/inventory/s1", expect=200)
    api.call("GET", "/v1/inventory/never", expect=404)
    api.call("POST", "/v1/orders", {"customer_id": "c1", "shipping":
                                    {"name": "A", "email": "a@example.com", "address": "x"}},
             expect=201)
    for order, token in (("o-ok", "tok_ok"), ("o-decline", "tok_decline"), ("o-hang", "tok_hang")):
        api.call("POST", "/v1/orders", {"order_id": order, "customer_id": "c1", "items": [item]},
                 headers={"Idempotency-Key": "create-" + order}, expect=201)
        api.call("POST", f"/v1/orders/{order}/items", {**item, "sku": "s2"}, expect=200)
        api.call("DELETE", f"/v1/orders/{order}/items/s2", expect=200)
        api.call("POST", f"/v1/orders/{order}/place", {"payment_token": token}, expect=202)
    api.call("POST", "/v1/orders", {"order_id": "o-ok", "customer_id": "c2"},
             headers={"Idempotency-Key": "create-o-ok"}, expect=422)
    api.call("POST", "/v1/orders", {"order_id": "o-ok", "customer_id": "c1"}, expect=409)
    api.call("POST", "/v1/orders", {"customer_id": "c1"}, headers={"Content-Type": "text/plain"},
             expect=415)
    api.call("POST", "/v1/orders", "{not json", json_body=False, expect=400)
    api.call("POST", "/v1/orders", {"customer_id": "bad id"}, expect=400)
    api.call("POST", "/v1/orders/o-hang/items", item, headers={"If-Match": '"1"'}, expect=412)
    api.call("POST", "/v1/orders/o-hang/items", item, expect=409)
    api.call("POST", "/v1/orders", {"order_id": "o-draft", "customer_id": "c1"}, expect=201)
    api.call("POST", "/v1/orders/o-draft/cancel", {"reason": "changed my mind"}, expect=200)
    api.call("GET", "/v1/orders/o-draft", expect=200)
    api.call("GET", "/v1/orders/nope", expect=404)
    api.call("PUT", "/v1/orders/o-draft", expect=405)
    wait_for(lambda: json.loads(api.call("GET", "/v1/orders/o-ok")[2])["status"] == "confirmed")
    wait_for(lambda: json.loads(api.call("GET", "/v1/orders/o-decline")[2])["status"] == "rejected")
    api.call("POST", "/v1/orders/o-ok/ship", {}, expect=200)
    api.call("GET", "/v1/orders/o-ok/events?from=1&limit=2", expect=200)
    api.call("GET", "/v1/orders/o-ok/events?limit=x", expect=400)
    api.call("GET", "/v1/orders/o-ok/history?version=2", expect=200)
    api.call("GET", "/v1/orders/o-ok/history?version=999", expect=404)
    _, headers, _ = api.call("POST", "/v1/orders/o-draft/cancel", {}, expect=409)
    _, headers, _ = api.call("POST", "/v1/inventory/s1/restock", {"quantity": 1}, expect=200)
    token = {"X-Consistency-Token": headers.get("x-consistency-token", "")}
    api.call("GET", "/v1/views/orders?customer_id=c1&limit=2", headers=token, expect=200)
    api.call("GET", "/v1/views/orders?customer_id=c1&status=nope", expect=400)
    api.call("GET", "/v1/views/orders/o-ok", headers=token, expect=200)
    api.call("GET", "/v1/views/orders/never", expect=404)
    api.call("GET", "/v1/views/stats", headers=token, expect=200)
    api.call("GET", "/v1/views/stats", headers={"X-Consistency-Token": "p999999"}, expect=400)
    api.call("GET", "/v1/customers/c1/personal-data", expect=200)
    api.call("GET", "/v1/customers/bad%20id/personal-data", expect=400)
    api.call("DELETE", "/v1/customers/c1/personal-data", expect=204)
    api.call("DELETE", "/v1/customers/c1/personal-data", headers={"Content-Type": "text/plain"},
             expect=415)
    api.call("GET", "/v1/customers/c1/personal-data", expect=404)
    api.call("GET", "/v1/inspect/session", expect=200)
    _, _, node = api.call("GET", "/v1/inspect/node", expect=200)
    api.call("GET", "/v1/inspect/node?member=" + json.loads(node)["node_id"], expect=200)
    api.call("GET", "/v1/inspect/node?member=nobody", expect=400)
    api.call("GET", "/v1/inspect/cluster", expect=200)
    api.call("GET", "/v1/inspect/cluster/owner?type=saga&id=o-ok", expect=200)
    api.call("GET", "/v1/inspect/cluster/owner?type=nope&id=o-ok", expect=400)
    api.call("GET", "/v1/inspect/aggregates?limit=1000", expect=200)
    api.call("GET", "/v1/inspect/aggregates?type=nope", expect=400)
    for kind in ("order", "saga", "payment", "stock"):
        name = "s1" if kind == "stock" else "o-ok"
        api.call("GET", f"/v1/inspect/aggregates/{kind}/{name}", expect=200)
        api.call("GET", f"/v1/inspect/aggregates/{kind}/{name}/events?from=1&limit=3", expect=200)
    api.call("POST", "/v1/admin/aggregates/order/o-ok/snapshot", {}, expect=200)
    api.call("GET", "/v1/inspect/aggregates/order/o-ok/snapshots", expect=200)
    api.call("GET", "/v1/inspect/aggregates/order/never", expect=404)
    api.call("GET", "/v1/inspect/aggregates/order/never/events", expect=404)
    api.call("GET", "/v1/inspect/aggregates/order/never/snapshots", expect=404)
    api.call("POST", "/v1/admin/aggregates/order/o-ok/passivate", {}, expect=200)
    api.call("POST", "/v1/admin/aggregates/order/never/snapshot", {}, expect=404)
    api.call("GET", "/v1/inspect/projections", expect=200)
    api.call("GET", "/v1/inspect/sagas?limit=1000", expect=200)
    api.call("GET", "/v1/inspect/sagas?status=active", expect=200)
    api.call("GET", "/v1/inspect/sagas?status=nope", expect=400)
    api.call("POST", "/v1/admin/projections/order_summary/rebuild", {}, expect=202)
    api.call("POST", "/v1/admin/projections/nope/rebuild", {}, expect=404)
    api.call("GET", "/openapi.json", expect=200)


def exercise_auth_node(admin, viewer, nobody):
    nobody.call("GET", "/console", expect=200)
    nobody.call("GET", "/openapi.json", expect=200)
    nobody.call("GET", "/v1/inspect/node", expect=401)
    nobody.call("GET", "/metrics", expect=401)
    nobody.call("GET", "/v1/inspect/session", expect=401)
    viewer.call("GET", "/v1/inspect/session", expect=200)
    viewer.call("GET", "/v1/inspect/sagas", expect=200)
    viewer.call("POST", "/v1/orders", {"customer_id": "c1"}, expect=403)
    viewer.call("POST", "/v1/admin/projections/sagas/rebuild", {}, expect=403)
    admin.call("GET", "/v1/inspect/session", expect=200)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, description = sys.argv[1], sys.argv[2]
    with open(description, encoding="utf-8") as source:
        document = json.load(source)
    checker = Checker(document)

    node = Node(binary, {"ORDO_SAGAS_STEP_TIMEOUT_MS": HANG_STEP_MS})
    try:
        api = Client(node.port, checker)
        exercise_open_node(api)
        connection = http.client.HTTPConnection("127.0.0.1", node.port, timeout=30)
        connection.request("GET", "/openapi.json")
        if json.loads(connection.getresponse().read()) != document:
            checker.problems.append("GET /openapi.json differs from the converted docs/openapi.yaml")
    finally:
        node.stop()

    tokens = '[{"token":"a-token","role":"admin"},{"token":"v-token","role":"viewer"}]'
    node = Node(binary, {"ORDO_AUTH_TOKENS": tokens})
    try:
        exercise_auth_node(Client(node.port, checker, "a-token"),
                           Client(node.port, checker, "v-token"), Client(node.port, checker))
    finally:
        node.stop()

    operations = {(method.upper(), template) for template, item in document["paths"].items()
                  for method in item}
    for method, template in sorted(operations - checker.exercised):
        checker.problems.append(f"{method} {template}: never exercised")
    for problem in checker.problems:
        print("MISMATCH", problem)
    print(f"{checker.checked} answers checked against {len(operations)} operations, "
          f"{len(checker.problems)} mismatches")
    return 1 if checker.problems else 0


if __name__ == "__main__":
    sys.exit(main())
