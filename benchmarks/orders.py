"""8 concurrent clients placing 3-line orders against gunicorn (2 workers), on SQLite and
PostgreSQL: orders per second, median and p95 latency, and the oversell check, beside
the framework's ceiling (GET /livez) measured in the same run.

Targets: p95 <= 100 ms, zero oversell, orders/second >= 30% of the ceiling.

For scale it also prints the rate of orders refused by validation (an empty item list,
422): what authenticating and parsing an order costs before any stock is touched.

Run: .venv/bin/python benchmarks/orders.py [--databases sqlite,postgresql] [--seconds 10]
"""

import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path[0] = str(ROOT)  # not this folder: benchmarks/http.py would shadow the standard library's http

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402

from sqlalchemy import func, select  # noqa: E402

from benchmarks.common import databases, fresh_app, p95  # noqa: E402
from catalog import service as catalog  # noqa: E402
from catalog.models import StockLevel  # noqa: E402
from partners import accounts  # noqa: E402
from partners import service as partners  # noqa: E402
from portal import demo  # noqa: E402
from portal.auth.service import issue_token  # noqa: E402
from portal.extensions import db  # noqa: E402
from tests.servers import free_port  # noqa: E402

CLIENTS = 8
SKUS = [f"BENCH-{i:02d}" for i in range(30)]


def seed(app) -> list[str]:
    """30 products with stock in 3 warehouses, and one partner account (with a token) per client."""
    with app.app_context():
        demo.seed()
        for sku in SKUS:
            catalog.create_product(None, sku=sku, name=sku, product_line="NETWORK", list_price="100.00")
            for warehouse in ("SH-01", "BJ-01", "SZ-01"):
                catalog.set_stock(None, sku, warehouse, 2000)
        tokens = []
        for i in range(CLIENTS):
            partner = partners.create_partner(None, f"Buyer {i}", "gold", ["CN"], "100000000")
            user = accounts.create_user(None, f"buyer{i}@example.com", "benchmark-pass", "partner_user", partner.id)
            tokens.append(issue_token(user, "bench")[0])
        db.session.commit()
        return tokens


def _request(port: int, path: str, body: dict | None = None, token: str | None = None) -> int:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers,
                                     method="POST" if body else "GET",
                                     data=json.dumps(body).encode() if body else None)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def load(port: int, seconds: float, make_call, expected=(200, 201)) -> tuple[int, list[float]]:
    """``CLIENTS`` threads calling for ``seconds``; returns the calls answered with an
    ``expected`` status and every latency (ms)."""
    deadline, done, latencies, lock = time.monotonic() + seconds, [0], [], threading.Lock()

    def client(index: int) -> None:
        n = 0
        while time.monotonic() < deadline:
            start = time.perf_counter()
            status = make_call(index, n)
            elapsed = (time.perf_counter() - start) * 1000
            n += 1
            with lock:
                latencies.append(elapsed)
                done[0] += status in expected

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0], latencies


def run(database: str, url: str, seconds: float) -> bool:
    app = fresh_app(url)
    tokens = seed(app)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "benchmark"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                               "portal:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        time.sleep(2)
        load(port, 1, lambda i, n: _request(port, "/livez"))  # warm-up
        ceiling_done, _ = load(port, seconds, lambda i, n: _request(port, "/livez"))

        def place(i: int, n: int) -> int:
            items = [{"sku": SKUS[(i * 7 + n * 3 + k) % len(SKUS)], "quantity": 1 + k} for k in range(3)]
            return _request(port, "/api/v1/orders", {"items": items, "payment_method": "net_terms"}, tokens[i])

        placed, latencies = load(port, seconds, place)
        refused, _ = load(port, seconds, lambda i, n: _request(port, "/api/v1/orders", {
            "items": [], "payment_method": "net_terms"}, tokens[i]), expected=(422,))
    finally:
        server.terminate()
        server.wait()
    with app.app_context():
        oversold = db.session.scalar(select(func.count()).where(StockLevel.reserved > StockLevel.on_hand))
        negative = db.session.scalar(select(func.count()).where(StockLevel.on_hand - StockLevel.reserved < 0))
    rate, ceiling = placed / seconds, ceiling_done / seconds
    ratio, slow = rate / ceiling, p95(latencies)
    good = slow <= 100 and oversold == 0 and negative == 0 and ratio >= 0.3
    print(f"{database:10} {rate:7.1f} orders/s (ceiling {ceiling:7.1f} req/s, ratio {ratio:.2f}, target >= 0.30); "
          f"latency median {statistics.median(latencies):5.1f} ms, p95 {slow:5.1f} ms (target <= 100); "
          f"oversold rows {oversold + negative} (target 0) {'OK' if good else 'MISSED'}; "
          f"for scale: refused orders {refused / seconds:.1f}/s, ratio {refused / seconds / ceiling:.2f}", flush=True)
    return good


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    ok = True
    for database, url in databases(args.databases):
        ok &= run(database, url, args.seconds)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
