"""The rules of changing one's password (``domain.check_password_change``) and who may
(``policy.require_own_account``). Plain data, no database."""

import pytest

from accounts import domain, policy
from accounts.passwords import common_passwords
from platform_shared.actor import SYSTEM, Actor
from platform_shared.errors import Forbidden, InvalidInput, Unauthorized

CURRENT = "Mat-khau-cu-2026"
USERNAME = "nguyen.van.a@hn.congdoan.vn"


def refused(current_password, new_password, *, current_ok=True):
    with pytest.raises(InvalidInput) as raised:
        domain.check_password_change(
            current_password, new_password, current_ok=current_ok, username=USERNAME, common=common_passwords()
        )
    return raised.value


def test_a_right_current_password_and_a_good_new_one_pass():
    assert (
        domain.check_password_change(
            CURRENT, "Mat-khau-moi-2027", current_ok=True, username=USERNAME, common=common_passwords()
        )
        is None
    )


def test_a_wrong_current_password_names_its_field_in_vietnamese():
    error = refused("doan-bua", "Mat-khau-moi-2027", current_ok=False)
    assert error.code == "CURRENT_PASSWORD_WRONG"
    assert error.details["errors"] == {"current_password": ["Mật khẩu hiện tại không đúng."]}


@pytest.mark.parametrize(
    "new_password, says",
    [
        ("ngan", "ít nhất 8 ký tự"),
        ("matkhau123", "quá phổ biến"),
        ("aaaaaaaaaaaa", "lặp lại"),
        ("nguyen.van.a", "trùng với tên đăng nhập"),
        ("x" * 129, "tối đa 128 ký tự"),
    ],
)
def test_a_new_password_meets_the_policy_of_a_first_one(new_password, says):
    error = refused(CURRENT, new_password)
    assert error.code == "WEAK_PASSWORD"
    assert list(error.details["errors"]) == ["new_password"]
    assert any(says in problem for problem in error.details["errors"]["new_password"])
    # the same words as activation's policy
    assert error.details["errors"]["new_password"] == domain.password_problems(
        new_password, username=USERNAME, common=common_passwords()
    )


def test_the_new_password_must_differ_from_the_current_one():
    error = refused(CURRENT, CURRENT)
    assert error.code == "PASSWORD_UNCHANGED"
    assert error.details["errors"] == {"new_password": ["Mật khẩu mới phải khác mật khẩu hiện tại."]}


def test_a_new_password_equal_to_a_wrong_current_one_is_only_a_wrong_current_password():
    """What was typed as the current password is not the current password: nothing to compare."""
    error = refused("Mot-mat-khau-sai-2026", "Mot-mat-khau-sai-2026", current_ok=False)
    assert error.details["errors"] == {"current_password": ["Mật khẩu hiện tại không đúng."]}


def test_every_problem_comes_at_once_with_the_wrong_current_password_first():
    error = refused("doan-bua", "ngan", current_ok=False)
    assert error.code == "CURRENT_PASSWORD_WRONG"
    assert set(error.details["errors"]) == {"current_password", "new_password"}
    assert error.message.startswith("Mật khẩu hiện tại không đúng.")
    assert "ít nhất 8 ký tự" in error.message


def test_only_a_person_with_their_own_account_may_change_a_password():
    policy.require_own_account(Actor("6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c", "t", frozenset({"member"})))
    with pytest.raises(Unauthorized) as anonymous:
        policy.require_own_account(Actor.anonymous())
    assert anonymous.value.code == "LOGIN_REQUIRED"
    with pytest.raises(Forbidden) as system:
        policy.require_own_account(SYSTEM)
    assert system.value.code == "PERSONAL_ACCOUNT_REQUIRED"
