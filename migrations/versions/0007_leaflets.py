"""leaflets: the library with its published versions, personal share links, and six seeded
leaflets (figures are {{slots}} filled from the calculator's parameters when shown)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 14:12:06.934975
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SEEDED_AT = datetime(2026, 11, 29, tzinfo=UTC)

# (title, key groups, age from, age to, body). Plain, short Chinese for residents; every figure
# is a {{slot}} that app/services/leaflets.py fills from the calculator's parameters.
LEAFLETS = [
    (
        "城乡居民养老保险：选档次，拿补贴",
        [7, 8],
        16,
        59,
        """## 谁可以参加
年满16周岁、不是在校学生、没有参加职工养老保险的城乡居民，都可以在户籍地参加。

## 每年交多少，自己选
缴费档次（元/年）：{{tiers}}。

一年交一次，多交多得。

## 政府给补贴
交得越多，政府补贴越多，补贴全部记入您的个人账户：

{{subsidies}}

## 到{{benefit_age}}岁领多少
- **基础养老金**：每月{{basic_pension}}元，由政府发，不管交哪一档都有。
- **个人账户养老金**：个人账户里的钱 ÷ {{account_divisor}}，每月发。
- 一般要累计缴满{{resident_min_years}}年。

> 想知道交哪一档最划算？请先锋队员帮您“算一笔账”。
""",
    ),
    (
        "灵活就业、平台就业，也能参加职工养老保险",
        [1, 4, 5, 6],
        16,
        None,
        """## 哪些人可以参加
个体工商户、网约车司机、快递员、外卖骑手、自由职业者等灵活就业人员，可以用个人身份参加职工养老保险。

## 怎么交
- 缴费基数自己选：每月{{base_lower}}元到{{base_upper}}元之间。
- 按基数的{{contribution_rate}}缴费，全部由自己交，其中{{account_rate}}记入个人账户。
- 按最低基数，每月约交{{lowest_monthly}}元。

## 有什么好处
- 退休后按月领职工养老金，一般比居民养老金高。
- 交得越多、越久，领得越多。
- 换工作、到单位上班，缴费年限接着算。

## 要注意
到退休年龄时要累计缴满规定年限（现在是{{employee_min_years}}年），才能按月领取。

> 登记了就业困难人员的，还可以申请社保补贴，请问先锋队员。
""",
    ),
    (
        "到了退休年龄还差年限？可以延长缴费",
        [1, 4, 5, 6, 8],
        50,
        None,
        """## 什么情况会用到
到了法定退休年龄，职工养老保险累计缴费还不满规定年限，就还不能按月领养老金。

## 规定年限是多少
- 现在是{{employee_min_years}}年。
- 从2030年起，每年提高半年，{{employee_min_years_final_year}}年起为{{employee_min_years_final}}年。
- 按您到达退休年龄的那一年算。

## 怎么办
1. **延长缴费（延缴）**：到龄后接着按月交，交满为止，再开始领养老金。
2. **转入城乡居民养老保险**：职工养老保险的缴费年限算作居民养老保险的缴费年限，个人账户一起转过去。

## 提醒
- 延缴时间很长的，请先比一比两种办法。
- 先锋队员可以帮您“算一笔账”：延缴要交多少、多久回本。
""",
    ),
    (
        "快到60岁了，缴费年限不够？了解补缴",
        [7, 8],
        45,
        None,
        """## 城乡居民养老保险
- 年满{{benefit_age}}岁领取，一般要累计缴满{{resident_min_years}}年。
- 年限不够的，可以按规定补缴以前没交的年份。

## 补缴要知道
- **补缴的部分没有政府补贴**。每年按时交，才有补贴，所以越早交越划算。
- 哪些年份可以补、按哪一档补、已经过了{{benefit_age}}岁还能不能一次性补，
  要按当地规定办理，请到乡镇（街道）社保所问清楚。
- 养老金从审批通过后开始发，之前的月份不补发。

## 现在就能做的
- 还没到{{benefit_age}}岁：从今年起每年按时交，能少补几年。
- 最低一档每年{{lowest_tier}}元。

> 请先锋队员帮您查一查已缴年限，算一算还差几年、要补多少。
""",
    ),
    (
        "交费有困难？政府帮您代缴",
        [2, 7],
        16,
        59,
        """## 哪些人可以享受
- 低保对象
- 特困人员
- 防返贫监测对象
- 重度残疾人

## 政府怎么帮
- 政府替您交城乡居民养老保险的**最低一档**（每年{{lowest_tier}}元）。
- 想多领一些，可以自己选更高的档次，**只交差额**，高档次的政府补贴照样记入个人账户。

## 补贴标准
{{subsidies}}

## 还能领到
年满{{benefit_age}}岁后，每月领基础养老金{{basic_pension}}元，加上个人账户养老金。

> 身份有变化（比如新认定为低保对象），请告诉村（社区）干部或先锋队员。
""",
    ),
    (
        "换了地方、换了险种，养老保险可以转",
        [1, 3, 4, 8],
        16,
        None,
        """## 跨地区转移
在外地交过职工养老保险，回玉溪工作或参保，缴费年限和个人账户可以转过来，**年限累计计算**。

## 居民养老保险转职工养老保险
- 到单位上班或参加灵活就业的，可以把居民养老保险的个人账户转入职工养老保险。
- 注意：居民养老保险的年限**不算作**职工养老保险的缴费年限。

## 职工养老保险转居民养老保险
- 到了退休年龄职工养老保险还交不满年限的，可以转入城乡居民养老保险。
- 职工养老保险的年限算作居民养老保险的缴费年限，个人账户一起转。

## 要注意
- 两种养老金不能同时领。
- 办理转移，带上身份证和社保卡，到参保地社保经办机构申请，也可以在国家社会保险公共服务平台网上办理。

> 不确定自己该怎么转？请先锋队员帮您问清楚。
""",
    ),
]


def upgrade() -> None:
    op.create_table(
        "leaflet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("key_groups", sa.JSON(), nullable=False),
        sa.Column("age_from", sa.Integer(), nullable=True),
        sa.Column("age_to", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "leaflet_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("leaflet_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("key_groups", sa.JSON(), nullable=False),
        sa.Column("age_from", sa.Integer(), nullable=True),
        sa.Column("age_to", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["leaflet_id"],
            ["leaflet.id"],
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("leaflet_id", "version"),
    )
    with op.batch_alter_table("leaflet_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_leaflet_version_leaflet_id"), ["leaflet_id"], unique=False
        )

    op.create_table(
        "share_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("calculation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["calculation_id"],
            ["calculation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_digest"),
    )
    with op.batch_alter_table("share_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_share_link_calculation_id"), ["calculation_id"], unique=False
        )

    leaflet = sa.table(
        "leaflet",
        sa.column("id", sa.Integer),
        sa.column("title", sa.String),
        sa.column("key_groups", sa.JSON),
        sa.column("age_from", sa.Integer),
        sa.column("age_to", sa.Integer),
        sa.column("body", sa.Text),
        sa.column("state", sa.String),
        sa.column("version", sa.Integer),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    version = sa.table(
        "leaflet_version",
        sa.column("leaflet_id", sa.Integer),
        sa.column("version", sa.Integer),
        sa.column("title", sa.String),
        sa.column("key_groups", sa.JSON),
        sa.column("age_from", sa.Integer),
        sa.column("age_to", sa.Integer),
        sa.column("body", sa.Text),
        sa.column("published_at", sa.DateTime(timezone=True)),
    )
    for number, (title, groups, age_from, age_to, body) in enumerate(LEAFLETS, start=1):
        shared = {
            "title": title,
            "key_groups": groups,
            "age_from": age_from,
            "age_to": age_to,
            "body": body,
        }
        op.bulk_insert(
            leaflet,
            [
                {
                    "id": number,
                    **shared,
                    "state": "published",
                    "version": 1,
                    "updated_at": SEEDED_AT,
                }
            ],
        )
        op.bulk_insert(
            version,
            [{"leaflet_id": number, "version": 1, **shared, "published_at": SEEDED_AT}],
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval('leaflet_id_seq', (SELECT max(id) FROM leaflet))")


def downgrade() -> None:
    with op.batch_alter_table("share_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_link_calculation_id"))

    op.drop_table("share_link")
    with op.batch_alter_table("leaflet_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leaflet_version_leaflet_id"))

    op.drop_table("leaflet_version")
    op.drop_table("leaflet")
