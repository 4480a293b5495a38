"""Demo data: realistic, bilingual, and safe to seed twice (``flask demo seed``)."""

import io
import struct
import zlib
from datetime import date, timedelta
from decimal import Decimal

from catalog import service as catalog
from catalog.models import Product, VolumeBreak
from deal_registration import service as deals
from deal_registration.models import DealRegistration
from enablement import service as enablement
from enablement.models import Material
from orders import service as orders
from orders.models import Order
from partners import accounts, service
from partners.models import Partner
from portal.auth.models import User
from portal.extensions import db
from portal.types import utcnow

DEMO_PASSWORD = "demo-password-2026"

TERRITORIES = [
    ("CN", "中国 China", None),
    ("CN-N", "华北 North China", "CN"), ("BJ", "北京 Beijing", "CN-N"), ("TJ", "天津 Tianjin", "CN-N"),
    ("HE", "河北 Hebei", "CN-N"),
    ("CN-E", "华东 East China", "CN"), ("SH", "上海 Shanghai", "CN-E"), ("JS", "江苏 Jiangsu", "CN-E"),
    ("ZJ", "浙江 Zhejiang", "CN-E"),
    ("CN-S", "华南 South China", "CN"), ("GD", "广东 Guangdong", "CN-S"), ("GD-SZ", "深圳 Shenzhen", "GD"),
    ("GD-GZ", "广州 Guangzhou", "GD"), ("FJ", "福建 Fujian", "CN-S"),
    ("CN-W", "西部 West China", "CN"), ("SC", "四川 Sichuan", "CN-W"), ("CQ", "重庆 Chongqing", "CN-W"),
    ("HK", "香港 Hong Kong", None),
]

TIERS = [("platinum", "Platinum 铂金", "20.00"), ("gold", "Gold 黄金", "15.00"),
         ("silver", "Silver 白银", "10.00"), ("registered", "Registered 注册", "5.00")]

PARTNERS = [
    ("上海云启科技有限公司 Shanghai Yunqi Technology", "platinum", ["CN-E"], "500000.00", "yunqi"),
    ("北京华信系统集成有限公司 Beijing Huaxin Systems", "gold", ["CN-N"], "300000.00", "huaxin"),
    ("深圳前海数据服务有限公司 Shenzhen Qianhai Data", "gold", ["GD-SZ"], "250000.00", "qianhai"),
    ("Pearl River Distribution Ltd.", "silver", ["GD", "HK"], "150000.00", "pearlriver"),
    ("成都天府网络股份有限公司 Chengdu Tianfu Networks", "silver", ["SC", "CQ"], "120000.00", "tianfu"),
    ("Jiangnan Solutions Co., Ltd.", "registered", ["JS", "ZJ"], "50000.00", "jiangnan"),
    ("Harbour Tech Partners Inc.", "registered", ["HK"], "30000.00", "harbour"),
]

STAFF = [("admin@example.com", "Ada Admin 管理员", "admin"),
         ("manager@example.com", "Chen Jing 陈静", "channel_manager"),
         ("marketing@example.com", "Li Na 李娜", "marketing")]


def seed() -> dict[str, int]:
    """Create whatever of the demo data is missing; returns how many of each were added."""
    added = {"territories": 0, "tiers": 0, "partners": 0, "users": 0}
    for code, name, parent in TERRITORIES:
        if service.territory_by_code(code) is None:
            service.create_territory(None, code, name, parent)
            added["territories"] += 1
    for code, name, discount in TIERS:
        if service.tier_by_code(code) is None:
            service.put_tier(None, code, discount, name)
            added["tiers"] += 1
    for email, name, role in STAFF:
        added["users"] += _ensure_user(email, name, role, None)
    for name, tier, territories, credit, slug in PARTNERS:
        partner = db.session.scalar(db.select(Partner).where(Partner.name == name))
        if partner is None:
            partner = service.create_partner(None, name, tier, territories, credit)
            added["partners"] += 1
        added["users"] += _ensure_user(f"admin@{slug}.example.com", f"{slug.title()} Admin", "partner_admin", partner.id)
        added["users"] += _ensure_user(f"sales@{slug}.example.com", f"{slug.title()} Sales", "partner_user", partner.id)
    return added


DEALS = [  # (partner slug, customer, territory, product line, value, tax id), registered in this order
    ("yunqi", "上海浦东发展银行股份有限公司", "SH", "STORAGE", "880000.00", "91310000132210000A"),
    ("yunqi", "Hangzhou Lianmei E-commerce Co., Ltd.", "ZJ", "NETWORK", "260000.00", None),
    ("huaxin", "上海浦东发展银行有限公司", "SH", "STORAGE", "910000.00", None),
    ("huaxin", "北京京东世纪贸易有限公司", "BJ", "STORAGE", "1200000.00", None),
    ("qianhai", "深圳市腾云数据有限公司", "GD-SZ", "SECURITY", "540000.00", None),
    ("pearlriver", "深圳市腾云数据股份有限公司", "GD-SZ", "SECURITY", "510000.00", None),
    ("tianfu", "Shanghai Metro Operation Co., Ltd.", "SH", "NETWORK", "330000.00", None),
    ("jiangnan", "Suzhou Industrial Park Hospital", "JS", "STORAGE", "150000.00", None),
]
PRODUCTS = [  # sku, name, name_zh, category, product line, list price, {warehouse: on hand}
    ("ST-AF200", "All-Flash Array AF200", "全闪存阵列 AF200", "Storage/All-flash", "STORAGE", "268000.00",
     {"SH-01": 12, "BJ-01": 5}),
    ("ST-HB50", "Hybrid Storage HB50", "混合存储 HB50", "Storage/Hybrid", "STORAGE", "96000.00", {"SH-01": 30}),
    ("NW-CS9600", "Core Switch CS9600 100G", "核心交换机 CS9600 100G", "Networking/Switches", "NETWORK",
     "158000.00", {"SH-01": 8, "SZ-01": 14}),
    ("NW-AP7", "Wi-Fi 7 Access Point AP7", "Wi-Fi 7 无线接入点 AP7", "Networking/Wireless", "NETWORK", "3200.00",
     {"SZ-01": 420}),
    ("SC-FW5000", "Next-Gen Firewall FW5000", "下一代防火墙 FW5000", "Security/Firewalls", "SECURITY", "86000.00",
     {"BJ-01": 0}),
]
MANUAL_APPROVAL = 3  # the first three wait for review: the third competes with the first (a conflict)


def seed_deals() -> int:
    """Registrations in every state worth seeing, once (skipped if any exist)."""
    if db.session.scalar(db.select(DealRegistration.id).limit(1)) is not None:
        return 0
    for i, (slug, customer, territory, line, value, tax_id) in enumerate(DEALS):
        if i in (0, MANUAL_APPROVAL):
            deals.update_policy(None, auto_approve=i == MANUAL_APPROVAL)
            db.session.commit()
        user = db.session.scalar(db.select(User).where(User.email == f"sales@{slug}.example.com"))
        deals.register(user, {"company_name": customer, "territory_code": territory, "country": "CN",
                              "tax_id": tax_id}, line, value, date(2027, 3, 31), "Demo opportunity / 演示商机")
        db.session.commit()
    return len(DEALS)


def seed_catalog() -> int:
    """Products with stock in three warehouses and a volume break, once."""
    added = 0
    for sku, name, name_zh, category, line, price, stock in PRODUCTS:
        if db.session.scalar(db.select(Product.id).where(Product.sku == sku)) is not None:
            continue
        product = catalog.create_product(None, sku=sku, name=name, name_zh=name_zh, category=category,
                                         product_line=line, list_price=price,
                                         description=f"{name}: demo product", description_zh=f"{name_zh}：演示产品")
        product.volume_breaks.append(VolumeBreak(min_quantity=10, extra_percent=Decimal("3")))
        for warehouse, on_hand in stock.items():
            catalog.set_stock(None, sku, warehouse, on_hand)
        added += 1
    return added


ORDERS = [  # (partner slug, [(sku, quantity)], what happened next), placed on net terms in this order
    ("yunqi", [("ST-HB50", 2)], ("ship", "deliver")),
    ("huaxin", [("NW-AP7", 12)], ("ship", "record_payment")),
    ("pearlriver", [("ST-HB50", 1)], ("cancel",)),
    ("qianhai", [("NW-AP7", 6), ("NW-CS9600", 1)], ()),
    ("yunqi", [("NW-AP7", 24), ("NW-CS9600", 1)], ()),
]


def seed_orders() -> int:
    """Net-terms orders in each state worth seeing (to ship, shipped, delivered, paid,
    cancelled), once (skipped if any exist)."""
    if db.session.scalar(db.select(Order.id).limit(1)) is not None:
        return 0
    manager = db.session.scalar(db.select(User).where(User.email == "manager@example.com"))
    for slug, items, afterwards in ORDERS:
        buyer = db.session.scalar(db.select(User).where(User.email == f"sales@{slug}.example.com"))
        order = orders.place(buyer, [{"sku": sku, "quantity": n} for sku, n in items], "net_terms",
                             po_number=f"PO-{slug.upper()}-01")
        db.session.commit()
        for step in afterwards:
            if step == "ship":
                orders.ship(manager, order.id, "SF Express 顺丰速运", f"SF{order.id:010d}")
            else:
                getattr(orders, step)(manager, order.id)
            db.session.commit()
    return len(ORDERS)


def seed_enablement() -> int:
    """A launched campaign with a brochure and a poster for everyone, and a price guide for
    platinum and gold partners, once (skipped if any material exists)."""
    if db.session.scalar(db.select(Material.id).limit(1)) is not None:
        return 0
    marketing = db.session.scalar(db.select(User).where(User.email == "marketing@example.com"))
    today = utcnow().date()
    campaign = enablement.create_campaign(
        marketing, name="Wi-Fi 7 launch", name_zh="Wi-Fi 7 新品上市", starts_on=today,
        ends_on=today + timedelta(days=60), description="Everything to sell the new access points.",
        description_zh="销售新一代无线接入点所需的全部资料。")
    for title, title_zh, filename, content, tiers in (
            ("Wi-Fi 7 brochure", "Wi-Fi 7 产品手册", "wifi7-brochure.pdf", _demo_pdf("Wi-Fi 7 brochure"), []),
            ("Wi-Fi 7 poster", "Wi-Fi 7 海报", "wifi7-poster.png", _demo_png(), []),
            ("Partner price guide 2027", "2027 合作伙伴价格指南", "price-guide.pdf", _demo_pdf("Price guide"),
             ["platinum", "gold"])):
        enablement.create_material(marketing, io.BytesIO(content), filename, title=title, title_zh=title_zh,
                                   description=f"{title} for partner sales teams.",
                                   description_zh=f"面向合作伙伴销售团队的{title_zh}。",
                                   tags="wifi7, launch", tiers=tiers, campaign_id=campaign.id)
    enablement.launch(marketing, campaign.id)
    db.session.commit()
    return 3


def _demo_pdf(title: str) -> bytes:
    """A one-page PDF that viewers open (cross-reference offsets computed, not guessed)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               None, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    text = f"BT /F1 28 Tf 72 760 Td ({title}) Tj ET".encode()
    objects[3] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text)
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _demo_png(width: int = 320, height: int = 180) -> bytes:
    """A blue-to-green gradient PNG, made without an imaging library."""
    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in (30, 80 + 150 * x // width, 200 - y // 2))
                    for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _ensure_user(email: str, name: str, role: str, partner_id: int | None) -> int:
    if db.session.scalar(db.select(User).where(User.email == email)) is not None:
        return 0
    accounts.create_user(None, email, DEMO_PASSWORD, role, partner_id, name)
    return 1
