"""The submission decision at 10,000 and 1,000,000 existing registrations, and a sweep
of 100,000 due locks, on SQLite and on PostgreSQL.

Targets: decision median <= 15 ms and p95 <= 40 ms at 1,000,000; the 1,000,000
median at most 2x the 10,000 median; the sweep <= 5 s; seeding 1,000,000 rows
< 3 minutes.

Run: .venv/bin/python benchmarks/deal_registration.py [--sizes 10000,1000000]
     [--databases sqlite,postgresql] [--submissions 300]
PostgreSQL comes from BENCH_POSTGRES_URL, else from bin/ensure-test-services (database
portal_bench, created if missing).
"""

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path[0] = str(ROOT)  # not this folder: benchmarks/http.py would shadow the standard library's http

from sqlalchemy import insert, select, text  # noqa: E402

from benchmarks.common import databases, fresh_app, p95  # noqa: E402
from deal_registration import jobs, service  # noqa: E402
from deal_registration.matching import blocking_keys, normalise_name  # noqa: E402
from deal_registration.models import DealRegistration  # noqa: E402
from partners import accounts  # noqa: E402
from partners import service as partners  # noqa: E402
from portal.auth.models import User  # noqa: E402
from portal.extensions import db  # noqa: E402

PRODUCT_LINES = ["STORAGE", "NETWORK", "SECURITY", "CLOUD", "SERVER", "BACKUP", "WIFI", "SDWAN", "HCI", "AI-INFRA",
                 "DB", "OBSERV"]
CITIES_EN = ["Shanghai", "Beijing", "Shenzhen", "Guangzhou", "Hangzhou", "Nanjing", "Chengdu", "Chongqing",
             "Tianjin", "Wuhan", "Suzhou", "Xian", "Hong Kong"]
CITIES_ZH = ["上海", "北京", "深圳", "广州", "杭州", "南京", "成都", "重庆", "天津", "武汉", "苏州", "西安"]
SYLLABLES = ("an ao ba bai ban bang bao bei ben bi bian biao bin bo bu cai can cang cao ce chang chao chen cheng chi "
             "chong chu chuan chun ci cong cui da dai dan dang dao de deng di dian ding dong du duan dun duo fa fan "
             "fang fei fen feng fu gai gan gang gao ge gen geng gong gu gua guan guang gui guo hai han hang hao he "
             "hei heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiu ju juan "
             "jun kai kang ke kong kuai kun lan lang lao le lei li lian liang lin ling liu long lu luo ma mai man "
             "mao mei meng mi mian miao min ming mo mu na nan neng ni nian ning nuo ou pan pei peng pin ping pu qi "
             "qian qiang qiao qin qing qiu qu quan rui run ruo sen shan shang shao shen sheng shi shu shuang shun "
             "si song su sui sun tai tan tang tao teng tian ting tong tu wan wang wei wen wo wu xi xia xian xiang "
             "xiao xin xing xiong xu xuan xue ya yan yang yao ye yi yin ying yong you yu yuan yue yun ze zeng zhan "
             "zhang zhao zhe zhen zheng zhi zhong zhou zhu zhuo zi zong zu zuo").split()
HANZI = ("安宝邦北滨博彩辰晨诚驰创达大德鼎东恒泓宏华辉汇嘉佳建江金锦京晶景俊凯康朗雷力联隆龙路茂美铭明南宁鹏平浦启"
         "千强擎清庆荣瑞润尚晟盛世顺思泰腾天通拓万维伟文希祥翔新鑫信星兴旭轩亚扬耀益银英盈永优宇远悦越云泽展兆哲"
         "振正智中众卓")
INDUSTRIES_EN = ["Technology", "Systems", "Networks", "Data", "Software", "Trading", "Logistics", "Healthcare",
                 "Manufacturing", "Retail", "Energy", "Bank", "Insurance", "Semiconductor", "Pharmaceutical"]
INDUSTRIES_ZH = ["科技", "系统", "网络", "数据", "软件", "贸易", "物流", "医疗", "制造", "零售", "能源", "银行", "保险",
                 "半导体", "医药"]
SUFFIXES_EN = ["Co., Ltd.", "Ltd.", "Inc.", "Corp.", "Limited", "Group Co., Ltd.", "LLC"]
SUFFIXES_ZH = ["有限公司", "股份有限公司", "有限责任公司", "集团有限公司"]
# Most registrations are history; about one in ten still counts in a decision.
STATUS_WEIGHTS = {"expired": 40, "won": 18, "lost": 12, "withdrawn": 6, "rejected": 12, "approved": 10,
                  "pending_review": 1.5, "conflict": 0.5}


def company_name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        brand = "".join(rng.choice(SYLLABLES) for _ in range(2)).title()
        return f"{rng.choice(CITIES_EN)} {brand} {rng.choice(INDUSTRIES_EN)} {rng.choice(SUFFIXES_EN)}"
    brand = "".join(rng.choice(HANZI) for _ in range(2))
    return f"{rng.choice(CITIES_ZH)}{brand}{rng.choice(INDUSTRIES_ZH)}{rng.choice(SUFFIXES_ZH)}"


def seed_people(partner_count: int = 200) -> list[User]:
    from portal import demo

    demo.seed()
    codes = ["CN-E", "CN-N", "CN-S", "CN-W"]
    users = []
    for i in range(partner_count):
        partner = partners.create_partner(None, f"Bench Partner {i:03d}", "gold", [codes[i % 4], "SH"], "0")
        users.append(accounts.create_user(None, f"bench{i}@example.com", "benchmark-pass", "partner_user",
                                          partner.id))
    db.session.commit()
    return users


def registration_rows(count: int, people: list[tuple[int, int]], territory_id: int, rng: random.Random):
    """Rows for ``count`` registrations by ``people``, (user id, partner id) pairs."""
    now = datetime.now(UTC)
    statuses, weights = zip(*STATUS_WEIGHTS.items())
    for status in rng.choices(statuses, weights, k=count):
        name = company_name(rng)
        keys = blocking_keys(name)
        user_id, partner_id = rng.choice(people)
        created = now - timedelta(days=rng.uniform(1, 720))
        yield {
            "partner_id": partner_id, "created_by_id": user_id, "status": status, "reason": None,
            "company_name": name, "territory_id": territory_id, "country": "CN", "domain": None, "tax_id": None,
            "name_norm": normalise_name(name), "tax_id_norm": "", "domain_norm": "",
            "key_ab": keys[0], "key_head": keys[1], "key_tail": keys[2],
            "product_line": rng.choice(PRODUCT_LINES), "estimated_value": Decimal(rng.randrange(10_000, 5_000_000)),
            "expected_close_date": date(2027, 6, 30), "description": "", "created_at": created,
            "protection_expires_at": now + timedelta(days=rng.uniform(1, 89)) if status == "approved" else None,
            "extensions_used": 0,
        }


COLUMNS = ["partner_id", "created_by_id", "status", "reason", "company_name", "territory_id", "country", "domain",
           "tax_id", "name_norm", "tax_id_norm", "domain_norm", "key_ab", "key_head", "key_tail", "product_line",
           "estimated_value", "expected_close_date", "description", "created_at", "protection_expires_at",
           "extensions_used"]


def bulk_seed(count: int, users, territory_id: int, rng: random.Random) -> float:
    """Insert ``count`` registrations the fastest way each database offers; returns seconds."""
    start = time.perf_counter()
    people = [(user.id, user.partner_id) for user in users]  # read now: COPY will hold the connection
    rows = registration_rows(count, people, territory_id, rng)
    if db.engine.dialect.name == "postgresql":
        raw = db.session.connection().connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(
                f"COPY deal_registrations ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in COLUMNS])
    else:
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == 20_000:
                db.session.execute(insert(DealRegistration), chunk)
                chunk = []
        if chunk:
            db.session.execute(insert(DealRegistration), chunk)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE deal_registrations"))
        db.session.commit()
    return time.perf_counter() - start


def time_decisions(users, submissions: int, rng: random.Random) -> list[float]:
    """Each submission: the decision, its insert and its commit, as a request would do it."""
    existing = db.session.scalars(select(DealRegistration.company_name).where(
        DealRegistration.status == "approved").limit(2000)).all()
    durations = []
    for i in range(submissions):
        user = db.session.get(User, rng.choice(users).id)
        name = rng.choice(existing) if i % 4 == 0 else company_name(rng)  # a quarter contest a protected deal
        customer = {"company_name": name, "territory_code": "SH", "country": "CN"}
        start = time.perf_counter()
        try:
            service.register(user, customer, rng.choice(PRODUCT_LINES), "100000", date(2027, 6, 30))
            db.session.commit()
        except Exception as error:  # a duplicate of the partner's own deal: still a decision
            db.session.rollback()
            if getattr(error, "code", None) != "duplicate_registration":
                raise
        durations.append((time.perf_counter() - start) * 1000)
    return durations


def time_sweep(due: int) -> tuple[float, int]:
    now = datetime.now(UTC)
    ids = select(DealRegistration.id).where(DealRegistration.status == "approved").limit(due).scalar_subquery()
    db.session.execute(DealRegistration.__table__.update().where(DealRegistration.id.in_(ids))
                       .values(protection_expires_at=now - timedelta(minutes=5)))
    db.session.commit()
    start = time.perf_counter()
    expired = jobs.release_expired_locks(now)
    db.session.commit()
    return time.perf_counter() - start, expired


def run(database: str, url: str, sizes: list[int], submissions: int) -> bool:
    ok = True
    medians = {}
    for size in sizes:
        rng = random.Random(size)
        app = fresh_app(url)
        with app.app_context():
            users = seed_people()
            sh = partners.territory_by_code("SH").id
            seconds = bulk_seed(size, users, sh, rng)
            durations = time_decisions(users, submissions, rng)
            median, slow = statistics.median(durations), p95(durations)
            medians[size] = median
            line = (f"{database:10} {size:>9,}: seeded in {seconds:6.1f} s; decision median {median:5.1f} ms, "
                    f"p95 {slow:5.1f} ms")
            if size >= 1_000_000:
                good = median <= 15 and slow <= 40 and seconds < 180
                ok &= good
                line += f"  (targets: median <= 15, p95 <= 40, seed < 180 s) {'OK' if good else 'MISSED'}"
            print(line, flush=True)
            if size >= 100_000:
                due = min(100_000, size // 10)
                if db.session.scalar(select(db.func.count()).where(DealRegistration.status == "approved")) < due:
                    print(f"{database:10} sweep: not enough approved rows for {due:,}")
                    continue
                sweep, expired = time_sweep(due)
                good = sweep <= 5 or due < 100_000
                ok &= good
                print(f"{database:10} sweep of {expired:,} due locks: {sweep:.2f} s (target <= 5 s for 100,000) "
                      f"{'OK' if good else 'MISSED'}", flush=True)
        with app.app_context():
            db.engine.dispose()
    if len(medians) >= 2:
        small, large = min(medians), max(medians)
        ratio = medians[large] / medians[small]
        ok &= ratio <= 2
        print(f"{database:10} median at {large:,} / median at {small:,}: {ratio:.2f} (target <= 2) "
              f"{'OK' if ratio <= 2 else 'MISSED'}", flush=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--submissions", type=int, default=300)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    ok = True
    for database, url in databases(args.databases):
        ok &= run(database, url, sizes, args.submissions)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
