"""The catalog at 1,000 and 100,000 products (3 warehouses each), on SQLite and PostgreSQL:
the listing page, a search and the API list, statements per page, and a 100,000-row
CSV import.

Targets: at most 6 statements per page; page time at 100,000 at most 1.5x the time at
1,000; search p95 <= 50 ms at 100,000; the 100,000-row import <= 30 s.

Run: .venv/bin/python benchmarks/catalog.py [--sizes 1000,100000] [--databases sqlite,postgresql]
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path[0] = str(ROOT)  # not this folder: benchmarks/http.py would shadow the standard library's http

from sqlalchemy import select, text  # noqa: E402

from benchmarks.common import databases, fresh_app, p95, signed_in, statements, timed  # noqa: E402
from catalog import transfer  # noqa: E402
from catalog.models import Product, StockLevel, Warehouse, search_text  # noqa: E402
from portal import cache, demo  # noqa: E402
from portal.extensions import db  # noqa: E402

WORDS = ("switch router firewall array storage server gateway camera sensor controller module cable adapter "
         "交换机 路由器 防火墙 存储 服务器 网关 摄像机 传感器 控制器 模块 线缆 适配器").split()
LINES = ["NETWORK", "STORAGE", "SECURITY", "SERVER", "WIFI", "CLOUD"]


def product_rows(count: int, rng: random.Random, prefix: str = "P"):
    for i in range(count):
        en, zh = rng.choice(WORDS[:13]), rng.choice(WORDS[13:])
        values = {"sku": f"{prefix}-{i:06d}", "name": f"{en.title()} {rng.randint(100, 9999)}",
                  "name_zh": f"{zh}{rng.randint(100, 9999)}", "description": f"{en} for the enterprise",
                  "description_zh": f"企业级{zh}", "product_line": rng.choice(LINES),
                  "list_price": f"{rng.randint(100, 500000)}.00", "currency": "CNY", "active": True}
        yield {**values, "search_text": search_text(values)}


def seed(count: int, rng: random.Random) -> None:
    demo.seed()
    rows = list(product_rows(count, rng))
    for start in range(0, count, 20_000):
        db.session.execute(Product.__table__.insert(), rows[start:start + 20_000])
    warehouses = []
    for code in ("SH-01", "BJ-01", "SZ-01"):
        db.session.add(Warehouse(code=code, name=code))
    db.session.flush()
    warehouses = db.session.scalars(select(Warehouse.id)).all()
    ids = db.session.scalars(select(Product.id)).all()
    stock = [{"product_id": p, "warehouse_id": w, "on_hand": rng.randint(0, 200), "reserved": 0}
             for p in ids for w in warehouses]
    for start in range(0, len(stock), 30_000):
        db.session.execute(StockLevel.__table__.insert(), stock[start:start + 30_000])
    cache.bump("catalog")
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def api_client(app, email: str):
    from portal.auth.models import User
    from portal.auth.service import issue_token

    with app.app_context():
        token, _ = issue_token(db.session.scalar(select(User).where(User.email == email)), "bench")
        db.session.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def run(database: str, url: str, sizes: list[int]) -> bool:
    ok, pages = True, {}
    for size in sizes:
        rng = random.Random(size)
        app = fresh_app(url)
        with app.app_context():
            start = time.perf_counter()
            seed(size, rng)
            seeded = time.perf_counter() - start
        browser = signed_in(app, "sales@yunqi.example.com")
        api = api_client(app, "sales@yunqi.example.com")
        timed(browser, "/catalog", 5)
        page = statistics.median(timed(browser, "/catalog?page=2", 50))
        listing = statistics.median(timed(api, "/api/v1/products?per_page=50", 50))
        terms = [f"{rng.choice(WORDS)} {rng.randint(1, 9)}" for _ in range(100)]  # distinct: cache misses
        search = [timed(browser, f"/catalog?q={term}", 1)[0] for term in terms]
        count = max(statements(app, browser, "/catalog?page=2"), statements(app, api, "/api/v1/products"))
        pages[size] = page
        good = count <= 6 and (size < 100_000 or p95(search) <= 50)
        ok &= good
        print(f"{database:10} {size:>7,} products (seeded in {seeded:5.1f} s): page median {page:5.1f} ms, "
              f"API list median {listing:5.1f} ms, search median {statistics.median(search):5.1f} ms / "
              f"p95 {p95(search):5.1f} ms (target <= 50 at 100,000), {count} statements per page (target <= 6) "
              f"{'OK' if good else 'MISSED'}", flush=True)
    if len(pages) >= 2:
        ratio = pages[max(pages)] / pages[min(pages)]
        ok &= ratio <= 1.5
        print(f"{database:10} page time at {max(pages):,} / at {min(pages):,}: {ratio:.2f} (target <= 1.5) "
              f"{'OK' if ratio <= 1.5 else 'MISSED'}", flush=True)
    ok &= time_import(database, url)
    return ok


def time_import(database: str, url: str, rows: int = 100_000) -> bool:
    app = fresh_app(url)
    header = "sku,name,name_zh,category,product_line,list_price,currency,active,description,description_zh\n"
    body = "".join(f"{r['sku']},{r['name']},{r['name_zh']},Networking/Switches,{r['product_line']},"
                   f"{r['list_price']},CNY,true,{r['description']},{r['description_zh']}\n"
                   for r in product_rows(rows, random.Random(7), prefix="IMP"))
    with app.app_context():
        demo.seed()
        db.session.commit()
        start = time.perf_counter()
        result = transfer.apply("products", (header + body).encode(), None)
        db.session.commit()
        seconds = time.perf_counter() - start
    good = not result.errors and len(result.creates) == rows and seconds <= 30
    print(f"{database:10} import of {rows:,} rows: {seconds:.1f} s (target <= 30 s) {'OK' if good else 'MISSED'}",
          flush=True)
    return good


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    ok = True
    for database, url in databases(args.databases):
        ok &= run(database, url, [int(s) for s in args.sizes.split(",")])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
