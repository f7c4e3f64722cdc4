"""Alembic owns the schema: it builds the database from nothing, takes it back down, and
matches the models exactly."""

import uuid
from datetime import timedelta

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import Session, SQLModel, select

import app.models  # noqa: F401
from app.core import clock
from app.core.db import get_engine
from app.domain.visits import OutcomeForm, VisitForm
from app.models import Outcome
from app.services import visits
from tests import factories
from tests.conftest import alembic_config, migrate


def test_upgrade_from_empty_to_head_then_down_to_base(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    engine = create_engine(url)
    assert {"region", "target", "user_account", "audit", "auth_session"} <= set(
        inspect(engine).get_table_names()
    )
    command.downgrade(alembic_config(url), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    migrate(url)
    assert "target" in inspect(engine).get_table_names()


def test_the_models_match_the_migrations(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    with create_engine(url).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == [], "run `alembic revision --autogenerate` for the model change"


def test_old_outcomes_keep_the_household_follow_up_set_with_them_only_when_alone_on_the_visit(
    db, database_url
):
    """0015 fills each old outcome's own follow-up from the household date set in the same
    step, when that date can only have been the person's."""
    home = factories.household(db)
    factories.assign(db, home, "mei")
    mei = factories.user_named(db, "mei")
    wang, li, zhao, qian = (
        factories.person(db, home, name=name, id_number=factories.id_number(order=order))
        for name, order in (("王芳", 121), ("李强", 123), ("赵敏", 125), ("钱进", 127))
    )
    today = clock.today()
    undecided = OutcomeForm(person_id=str(wang.id), code="undecided")
    alone = factories.visit(
        db, home, [wang], outcomes=[undecided], follow_up_on=str(today + timedelta(days=5))
    )
    visits.set_follow_up(db, alone, str(today + timedelta(days=20)), by=mei)  # a later change
    together = [
        OutcomeForm(person_id=str(li.id), code="refused", reason="再说"),
        OutcomeForm(person_id=str(zhao.id), code="raise_tier", from_value="200", to_value="500"),
    ]
    factories.visit(db, home, [li, zhao], outcomes=together)
    later = factories.visit(db, home, [qian], follow_up_on=str(today + timedelta(days=2)))
    refused = OutcomeForm(person_id=str(qian.id), code="refused", reason="不需要")
    addition = VisitForm(client_uuid=str(uuid.uuid4()), outcomes=[refused])
    visits.add_steps(db, later, addition, by=mei)
    ids = [p.id for p in (wang, li, zhao, qian)]
    db.close()

    command.downgrade(alembic_config(database_url), "0014")
    migrate(database_url)

    with Session(get_engine()) as session:
        filled = dict(session.exec(select(Outcome.person_id, Outcome.follow_up_on)).all())
    assert [filled[person] for person in ids] == [
        today + timedelta(days=5),  # the date typed with it, not the later change
        None,  # the visit's date was the soonest of two outcomes: not surely theirs
        None,
        today + timedelta(days=180),  # added on the visit page: the date set in its own step
    ]
