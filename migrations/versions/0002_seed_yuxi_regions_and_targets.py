"""Seed Yuxi's city, its nine counties and 市本级, and every target of the 2022–2024 plan.

Source: 玉政办发〔2022〕3号 (issued 2022-01-11), attachments 1 and 2 and the city-wide goals
(shared/reference/yuxi-targets.md). Figures are data: later years are entered by admins.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLAN = "玉政办发〔2022〕3号"
CITY = ("玉溪市", "530400")
UNIT = "市本级"
# name, GB/T 2260 code, attachment 1 (employee pension members in work, persons) for 2022–2024,
# attachment 2 (resident pension contribution per person, yuan) for 2022–2024.
COUNTIES = [
    ("红塔区", "530402", (83100, 87200, 91400), (393, 443, 543)),
    ("江川区", "530403", (21800, 23400, 25100), (355, 405, 505)),
    ("澄江市", "530481", (21000, 23100, 25100), (371, 421, 521)),
    ("通海县", "530423", (28900, 30700, 32500), (366, 416, 516)),
    ("华宁县", "530424", (16800, 18300, 19800), (323, 373, 473)),
    ("易门县", "530425", (22200, 23300, 24300), (350, 400, 500)),
    ("峨山县", "530426", (18900, 20300, 21700), (332, 382, 482)),
    ("新平县", "530427", (29600, 31200, 32800), (323, 373, 473)),
    ("元江县", "530428", (19700, 20500, 21300), (325, 375, 475)),
]
UNIT_EMPLOYEE = (59500, 64400, 69200)
CITY_EMPLOYEE = (321500, 342400, 363200)  # the 合计 row, 市本级 included
CITY_RESIDENT = (350, 400, 500)  # the 全市 row; its 2024 figure is the 500-yuan city goal
CITY_GOALS_2024 = {"participation_rate": Decimal("0.96"), "employee_share": Decimal("0.30")}
YEARS = (2022, 2023, 2024)

region = sa.table(
    "region",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("level", sa.String),
    sa.column("code", sa.String),
    sa.column("parent_id", sa.Integer),
    sa.column("is_demonstration", sa.Boolean),
    sa.column("sort_order", sa.Integer),
)
target = sa.table(
    "target",
    sa.column("region_id", sa.Integer),
    sa.column("metric", sa.String),
    sa.column("year", sa.Integer),
    sa.column("value", sa.Numeric),
    sa.column("source", sa.String),
    sa.column("updated_at", sa.DateTime),
)


def upgrade() -> None:
    bind = op.get_bind()
    city_id = _insert_region(bind, CITY[0], "city", CITY[1], None, 0)
    unit_id = _insert_region(bind, UNIT, "unit", None, None, 1)
    rows = _yearly(city_id, "employee_in_work", CITY_EMPLOYEE, "附件1 合计")
    rows += _yearly(city_id, "resident_contribution_per_capita", CITY_RESIDENT, "附件2 全市")
    rows += [
        _row(city_id, metric, 2024, value, "总体目标") for metric, value in CITY_GOALS_2024.items()
    ]
    rows += _yearly(unit_id, "employee_in_work", UNIT_EMPLOYEE, "附件1")
    for order, (name, code, employee, resident) in enumerate(COUNTIES, start=1):
        county_id = _insert_region(bind, name, "county", code, city_id, order)
        rows += _yearly(county_id, "employee_in_work", employee, "附件1")
        rows += _yearly(county_id, "resident_contribution_per_capita", resident, "附件2")
    op.bulk_insert(target, rows)


def downgrade() -> None:
    # Refused by the foreign keys while townships, users or admin-entered targets still hang
    # off the seeded regions: a downgrade must never silently destroy a deployment's data.
    op.execute(target.delete().where(target.c.source.like(f"{PLAN}%")))
    codes = [CITY[1], *(code for _name, code, _e, _r in COUNTIES)]
    op.execute(region.delete().where(region.c.code.in_(codes[1:])))
    op.execute(region.delete().where(region.c.code == CITY[1]))
    op.execute(region.delete().where(region.c.level == "unit", region.c.name == UNIT))


def _insert_region(bind, name, level, code, parent_id, order) -> int:
    values = dict(
        name=name,
        level=level,
        code=code,
        parent_id=parent_id,
        is_demonstration=False,
        sort_order=order,
    )
    return bind.execute(region.insert().values(**values).returning(region.c.id)).scalar_one()


def _yearly(region_id: int, metric: str, values: tuple, part: str) -> list[dict]:
    return [
        _row(region_id, metric, year, value, part)
        for year, value in zip(YEARS, values, strict=True)
    ]


def _row(region_id: int, metric: str, year: int, value, part: str) -> dict:
    return dict(
        region_id=region_id,
        metric=metric,
        year=year,
        value=Decimal(value),
        source=f"{PLAN} {part}",
        updated_at=datetime(2022, 1, 11, tzinfo=UTC),
    )
