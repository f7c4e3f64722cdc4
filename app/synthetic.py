"""Synthetic Yuxi residents for demos and benchmarks: Chinese names, valid ID numbers with Yuxi
area codes, plausible ages, key groups and insurance statuses. Reproducible from a seed; no
real person's data."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.domain.codes import HouseholdKind, InsuranceStatus, Relation, SubsidyCategory
from app.domain.identifiers import check_character

SURNAMES = "李王张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘普杞施鲁孔"
GIVEN = "国建华明丽芳红军平志强伟秀英玉兰桂珍海云春燕文斌林琼敏杰涛磊艳萍勇刚梅霞娟静宇浩然欣怡子涵"
# Area codes a Yuxi resident may hold: current county codes and the older 江川县/澄江县 ones.
AREA_CODES = [
    "530402",
    "530403",
    "530481",
    "530423",
    "530424",
    "530425",
    "530426",
    "530427",
    "530428",
    "530421",
    "530422",
]
OCCUPATIONS = [
    "务农",
    "外卖骑手",
    "网约车司机",
    "快递员",
    "个体经营",
    "建筑工人",
    "餐馆服务员",
    "导游",
    "家政服务",
    "在外务工",
    "货车司机",
    "",
]
PLATFORM_JOBS = {"外卖骑手", "网约车司机", "快递员", "货车司机"}
STREETS = ["东风路", "珊瑚路", "聂耳路", "红塔大道"]
BUSINESS_KINDS = ["小卖部", "米线馆", "五金店", "农资店", "理发店", "汽修店", "烧烤店", "花卉店"]
HARDSHIP = [
    SubsidyCategory.low_income,
    SubsidyCategory.extreme_poverty,
    SubsidyCategory.returned_to_poverty,
    SubsidyCategory.severe_disability,
]
CREDIT_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@dataclass
class SyntheticPerson:
    name: str
    id_number: str
    birth_date: date
    sex: str
    relation: Relation
    phone: str | None
    insurance_status: InsuranceStatus
    resident_tier: int | None = None
    years_paid: int | None = None
    stopped_since: date | None = None
    occupation: str = ""
    key_groups: set[int] = field(default_factory=set)
    subsidies: set[SubsidyCategory] = field(default_factory=set)
    is_cadre: bool = False
    is_student: bool = False


@dataclass
class SyntheticHousehold:
    kind: HouseholdKind
    address: str
    village_group: str
    household_key: str
    phone: str | None
    people: list[SyntheticPerson]
    entity_name: str | None = None
    credit_code: str | None = None
    verified_days_ago: int | None = None


class Generator:
    def __init__(self, seed: int, today: date) -> None:
        self.random = random.Random(seed)
        self.today = today
        self.used_ids: set[str] = set()
        self.serial = 0

    def household(self, village_name: str, is_community: bool) -> SyntheticHousehold:
        self.serial += 1
        r = self.random
        if r.random() < 0.04:
            return self._business(village_name)
        surname = r.choice(SURNAMES)
        head_age = r.randint(24, 82)
        head_sex = "M" if r.random() < 0.8 else "F"
        people = [self._person(surname, head_age, head_sex, Relation.head)]
        if head_age > 22 and r.random() < 0.85:
            spouse_age = max(20, head_age + r.randint(-5, 3))
            people.append(
                self._person(None, spouse_age, "F" if head_sex == "M" else "M", Relation.spouse)
            )
        for _ in range(r.choices([0, 1, 2, 3], [20, 35, 35, 10])[0]):
            child_age = head_age - r.randint(20, 36)
            if child_age >= 0:
                people.append(self._person(surname, child_age, r.choice("MF"), Relation.child))
        if head_age < 50 and r.random() < 0.3:
            people.append(
                self._person(surname, head_age + r.randint(24, 32), r.choice("MF"), Relation.parent)
            )
        return SyntheticHousehold(
            kind=HouseholdKind.household,
            address=self._address(village_name, is_community),
            village_group=self._group(is_community),
            household_key=f"{self.serial:08d}",
            phone=people[0].phone,
            people=people,
            verified_days_ago=self._verified_days_ago(),
        )

    def _business(self, village_name: str) -> SyntheticHousehold:
        r = self.random
        owner = self._person(r.choice(SURNAMES), r.randint(25, 58), r.choice("MF"), Relation.owner)
        owner.key_groups.add(6)
        workers = [
            self._person(r.choice(SURNAMES), r.randint(18, 50), r.choice("MF"), Relation.employee)
            for _ in range(r.randint(0, 3))
        ]
        for worker in workers:
            worker.key_groups.add(6)
        name = f"{village_name}{owner.name[0]}记{r.choice(BUSINESS_KINDS)}"
        return SyntheticHousehold(
            kind=HouseholdKind.entity,
            address=self._address(village_name, False),
            village_group="",
            household_key=f"{self.serial:08d}",
            phone=owner.phone,
            people=[owner, *workers],
            entity_name=name,
            credit_code=self.credit_code(),
            verified_days_ago=self._verified_days_ago(),
        )

    def _person(self, surname: str | None, age: int, sex: str, relation: Relation):
        r = self.random
        surname = surname or r.choice(SURNAMES)
        name = surname + "".join(r.choice(GIVEN) for _ in range(r.choice([1, 2, 2])))
        born = self.today - timedelta(days=age * 365 + r.randint(0, 364))
        person = SyntheticPerson(
            name=name,
            id_number=self.id_number(born, sex),
            birth_date=born,
            sex=sex,
            relation=relation,
            phone=self.mobile() if 16 <= age <= 75 else None,
            insurance_status=InsuranceStatus.none,
        )
        self._insurance(person, age)
        return person

    def _insurance(self, person: SyntheticPerson, age: int) -> None:
        r = self.random
        if age < 16:
            return
        if 16 <= age <= 22 and r.random() < 0.5:
            person.is_student = True
            return
        if age >= 60:
            person.insurance_status = r.choices(
                [InsuranceStatus.receiving, InsuranceStatus.none], [85, 15]
            )[0]
            return
        person.occupation = r.choice(OCCUPATIONS)
        weights = {
            InsuranceStatus.none: 12,
            InsuranceStatus.resident: 55,
            InsuranceStatus.employee_enterprise: 10,
            InsuranceStatus.employee_flexible: 10,
            InsuranceStatus.employee_institution: 5,
            InsuranceStatus.stopped: 8,
        }
        status = r.choices(list(weights), list(weights.values()))[0]
        person.insurance_status = status
        if status == InsuranceStatus.resident:
            person.resident_tier = r.choices([200, 300, 500, 1000, 2000], [60, 15, 15, 7, 3])[0]
            person.years_paid = r.randint(1, max(1, min(15, age - 16)))
        elif status != InsuranceStatus.none:
            person.years_paid = r.randint(1, max(1, age - 18))
        if status == InsuranceStatus.stopped:
            person.stopped_since = self.today - timedelta(days=r.randint(60, 2000))
        self._key_groups(person)

    def _key_groups(self, person: SyntheticPerson) -> None:
        r = self.random
        uninsured = person.insurance_status in (InsuranceStatus.none, InsuranceStatus.stopped)
        if person.occupation in PLATFORM_JOBS:
            person.key_groups.add(4)
        if person.occupation == "导游":
            person.key_groups.add(5)
        if person.occupation in ("在外务工", "建筑工人") and r.random() < 0.6:
            person.key_groups.add(3)
        able = person.insurance_status in (InsuranceStatus.none, InsuranceStatus.resident)
        if able and r.random() < 0.3:
            person.key_groups.add(1)
        if r.random() < 0.05:
            person.subsidies.add(SubsidyCategory.land_expropriated)
            person.key_groups.add(2)
        if r.random() < 0.06:
            person.subsidies.add(r.choice(HARDSHIP))
            person.key_groups.add(7)
        if r.random() < 0.04:
            person.subsidies.add(SubsidyCategory.employment_difficulty)
        if uninsured and not person.key_groups:
            person.key_groups.add(8)
        person.is_cadre = r.random() < 0.01

    def id_number(self, born: date, sex: str) -> str:
        while True:
            order = self.random.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
            first17 = f"{self.random.choice(AREA_CODES)}{born:%Y%m%d}{order:03d}"
            number = first17 + check_character(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def credit_code(self) -> str:
        body = "92" + "530402" + "".join(self.random.choice(CREDIT_CHARACTERS) for _ in range(9))
        body = body[:17]
        total = sum(
            CREDIT_CHARACTERS.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS, strict=True)
        )
        return body + CREDIT_CHARACTERS[(31 - total % 31) % 31]

    def mobile(self) -> str:
        prefix = self.random.choice(["138", "139", "150", "151", "152", "158", "177", "187", "188"])
        return f"{prefix}{self.random.randrange(10**8):08d}"

    def _address(self, village_name: str, is_community: bool) -> str:
        number = self.random.randint(1, 300)
        if is_community:
            return f"{village_name}{self.random.choice(STREETS)}{number}号"
        return f"{village_name}{number}号"

    def _group(self, is_community: bool) -> str:
        r = self.random
        if is_community:
            return (
                f"{r.choice(['锦苑', '康居', '阳光'])}小区{r.randint(1, 12)}栋{r.randint(1, 4)}单元"
            )
        return f"第{r.randint(1, 9)}村民小组"

    def _verified_days_ago(self) -> int | None:
        r = self.random.random()
        return None if r < 0.2 else self.random.randint(0, 360)
