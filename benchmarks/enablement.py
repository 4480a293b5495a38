"""The partner library at 100 and 10,000 materials (1,000 campaigns), on SQLite and PostgreSQL,
and the server's memory while a 200 MB file is uploaded.

Targets: the library page issues the same number of statements at both sizes, at most 6;
a 200 MB upload raises the gunicorn worker's peak memory by at most 50 MB.

Run: .venv/bin/python benchmarks/enablement.py [--sizes 100,10000] [--databases sqlite,postgresql]
"""

import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path[0] = str(ROOT)  # not this folder: benchmarks/http.py would shadow the standard library's http

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

from sqlalchemy import insert, select, text  # noqa: E402

from benchmarks.common import databases, fresh_app, signed_in, statements, timed  # noqa: E402
from enablement.models import (  # noqa: E402
    Audience,
    Campaign,
    Material,
    MaterialFile,
    audience_territories,
    audience_tiers,
)
from partners.models import PriceTier, Territory  # noqa: E402
from portal import demo  # noqa: E402
from portal.auth.models import User  # noqa: E402
from portal.auth.service import issue_token  # noqa: E402
from portal.extensions import db  # noqa: E402
from tests.servers import free_port, wait_for_port  # noqa: E402

PARTNER = "sales@yunqi.example.com"
MB = 1024 * 1024


def seed(materials: int, campaigns: int, rng: random.Random) -> None:
    """Materials and campaigns with a spread of audiences (a third for everyone), in bulk."""
    demo.seed()
    author = db.session.scalar(select(User.id).where(User.email == "marketing@example.com"))
    tiers = db.session.scalars(select(PriceTier.id)).all()
    territories = db.session.scalars(select(Territory.id)).all()
    total = materials + campaigns
    db.session.execute(insert(Audience), [{} for _ in range(total)])
    audiences = db.session.scalars(select(Audience.id).order_by(Audience.id.desc()).limit(total)).all()
    tier_rows, area_rows = [], []
    for audience in audiences:
        if rng.random() < 0.33:
            continue
        tier_rows += [{"audience_id": audience, "tier_id": t} for t in rng.sample(tiers, rng.randint(1, len(tiers)))]
        if rng.random() < 0.5:
            area_rows += [{"audience_id": audience, "territory_id": t} for t in rng.sample(territories, 2)]
    if tier_rows:
        db.session.execute(insert(audience_tiers), tier_rows)
    if area_rows:
        db.session.execute(insert(audience_territories), area_rows)
    today = datetime.now(UTC).date()
    db.session.execute(insert(Campaign), [
        {"name": f"Campaign {i}", "starts_on": today - timedelta(days=rng.randint(0, 60)),
         "ends_on": today + timedelta(days=rng.randint(0, 60)), "audience_id": audiences[materials + i],
         "created_by_id": author} for i in range(campaigns)])
    campaign_ids = db.session.scalars(select(Campaign.id)).all()
    now = datetime.now(UTC)
    db.session.execute(insert(Material), [
        {"title": f"Material {i}", "description": "Sales enablement", "tags": ",deck,", "file_type": "pdf",
         "language": "en", "current_version": 1, "audience_id": audiences[i], "created_by_id": author,
         "campaign_id": rng.choice(campaign_ids) if rng.random() < 0.5 else None,
         "created_at": now - timedelta(minutes=i)} for i in range(materials)])
    material_ids = db.session.scalars(select(Material.id)).all()
    db.session.execute(insert(MaterialFile), [
        {"material_id": m, "version": 1, "filename": f"m{m}.pdf", "content_type": "application/pdf", "size": 1000,
         "sha256": "0" * 64, "stored_name": f"{m:032x}", "uploaded_by_id": author, "uploaded_at": now}
        for m in material_ids])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def library(database: str, url: str, sizes: list[int]) -> bool:
    counts = {}
    for size in sizes:
        app = fresh_app(url)
        with app.app_context():
            seed(size, 1000, random.Random(size))
        browser = signed_in(app, PARTNER)
        timed(browser, "/library", 3)
        median = statistics.median(timed(browser, "/library?page=2", 30))
        counts[size] = statements(app, browser, "/library?page=2")
        print(f"{database:10} {size:>6,} materials, 1,000 campaigns: library page median {median:5.1f} ms, "
              f"{counts[size]} statements (target <= 6)", flush=True)
    good = len(set(counts.values())) == 1 and max(counts.values()) <= 6
    print(f"{database:10} statements per library page at {', '.join(f'{s:,}' for s in counts)}: "
          f"{', '.join(map(str, counts.values()))} (target: equal, <= 6) {'OK' if good else 'MISSED'}", flush=True)
    return good


def _multipart(path: Path, size: int, boundary: str) -> None:
    """A 200 MB upload body on disk, so the client streams it and its own memory does not count."""
    with open(path, "wb") as body:
        body.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nBig video\r\n"
                   f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.mp4\"\r\n"
                   "Content-Type: video/mp4\r\n\r\n".encode())
        body.write(b"\x00\x00\x00\x18ftypmp42")
        chunk = os.urandom(MB)
        for _ in range(size // MB):
            body.write(chunk)
        body.write(f"\r\n--{boundary}--\r\n".encode())


def _worker_memory(port: int) -> tuple[int, int]:
    """(current, peak) resident memory in kB of the gunicorn worker serving ``port``."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if f"127.0.0.1:{port}".encode() in cmdline and int(fields["PPid"]) != os.getpid():
            return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
    raise RuntimeError("no gunicorn worker found")


def upload_memory(size: int = 200 * MB) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        app = fresh_app(url)
        with app.app_context():
            demo.seed()
            token, _ = issue_token(db.session.scalar(select(User).where(User.email == "marketing@example.com")), "b")
            db.session.commit()
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "benchmark", "UPLOAD_DIR": f"{tmp}/uploads",
               "MATERIAL_MAX_MB": "300", "TMPDIR": tmp}
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "1", "-b",
                                   f"127.0.0.1:{port}", "--timeout", "300", "portal:create_app()"],
                                  cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
        try:
            wait_for_port(port, server)
            for _ in range(20):  # warm the worker: imports, first queries
                urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=5)
            before, _peak = _worker_memory(port)
            body, boundary = Path(tmp) / "body", "BenchBoundary7"
            _multipart(body, size, boundary)
            start = time.perf_counter()
            with open(body, "rb") as stream:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/v1/materials", data=stream, method="POST",
                    headers={"Authorization": f"Bearer {token}", "Content-Length": str(body.stat().st_size),
                             "Content-Type": f"multipart/form-data; boundary={boundary}"})
                status = urllib.request.urlopen(request, timeout=300).status
            seconds = time.perf_counter() - start
            _now, peak = _worker_memory(port)
        finally:
            server.terminate()
            server.wait(timeout=30)
    grew = (peak - before) / 1024
    good = status == 201 and grew <= 50
    print(f"upload of {size // MB} MB: HTTP {status} in {seconds:.1f} s; worker peak memory +{grew:.1f} MB "
          f"(target <= 50 MB) {'OK' if good else 'MISSED'}", flush=True)
    return good


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,10000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    ok = True
    for database, url in databases(args.databases):
        ok &= library(database, url, [int(s) for s in args.sizes.split(",")])
    ok &= upload_memory()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
