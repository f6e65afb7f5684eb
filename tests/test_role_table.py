"""The role table (dataaudit/role_table.py) is the one list of column roles: the config, Roles, audit()'s
keywords and the run command's options agree with it, and what it says reaches the user."""

from __future__ import annotations

import dataclasses
import inspect

import pandas as pd

import dataaudit
from dataaudit.cli import run
from dataaudit.config import Config
from dataaudit.dataset import Roles
from dataaudit.role_table import ROLES


def test_every_role_is_a_config_field_a_roles_field_an_audit_keyword_and_a_run_option():
    roles_fields = {f.name: f for f in dataclasses.fields(Roles)}
    audit_params = inspect.signature(dataaudit.audit).parameters
    options = {p.name: p for p in run.params}
    for role in ROLES:
        field = Config.model_fields[role.key]
        assert field.description == role.description
        assert field.get_default() == (() if role.many else None)
        assert role.name in roles_fields
        assert role.key in audit_params
        assert options[role.key].opts == [role.option]
        assert options[role.key].multiple == role.many


def test_roles_columns_and_to_dict_follow_the_table():
    roles = Roles(target="y", sensitive=("a", "b"), id="k", ignore=("z",))
    assert roles.columns() == {"target": ("y",), "id": ("k",), "sensitive": ("a", "b"), "ignore": ("z",)}
    assert list(roles.to_dict())[: len(ROLES)] == [r.name for r in ROLES]
    assert roles.role_of("b") == "sensitive"


def test_skip_hint_and_declare_text_come_from_the_table():
    frame = pd.DataFrame({"x": range(50), "y": [0, 1] * 25})
    report = dataaudit.audit(frame, as_of="2026-06-30", select=["bias.class_imbalance"])
    result = report.result("bias.class_imbalance")
    target = next(r for r in ROLES if r.key == "target")
    assert result.status == "skipped"
    assert result.message.startswith(target.hint)
