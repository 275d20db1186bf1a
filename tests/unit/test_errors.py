"""The one error root: every refusal is an ApiError with a status, a code and the contract's body."""

from __future__ import annotations

import pytest

from chalicelib import errors
from chalicelib.errors import ApiError, ContractError

CONTRACT_ROWS = {
    errors.BadRequest: (400, "bad_request"),
    errors.InvalidKey: (401, "invalid_key"),
    errors.Unauthenticated: (401, "unauthenticated"),
    errors.InvalidCredentials: (401, "invalid_credentials"),
    errors.Forbidden: (403, "forbidden"),
    errors.UnknownModule: (404, "unknown_module"),
    errors.UnknownMethod: (404, "unknown_method"),
    errors.NotFound: (404, "not_found"),
    errors.MethodNotAllowed: (405, "method_not_allowed"),
    errors.PayloadTooLarge: (413, "payload_too_large"),
    errors.UnsupportedMediaType: (415, "unsupported_media_type"),
    errors.InvalidInput: (422, "invalid_input"),
    errors.TooManyAttempts: (429, "too_many_attempts"),
    errors.Internal: (500, "internal"),
    errors.Unavailable: (503, "unavailable"),
    errors.ConfigError: (500, "internal"),  # a set-up mistake: answered as internal, its message logged
}


@pytest.mark.parametrize(
    ("error_class", "row"), CONTRACT_ROWS.items(), ids=[c.__name__ for c in CONTRACT_ROWS]
)
def test_each_contract_error_carries_its_rows_status_and_code(error_class, row):
    error = error_class("why")
    assert isinstance(error, ContractError) and isinstance(error, ApiError)
    assert (error.status, error.code, error.message) == (*row, "why")


def test_every_contract_error_of_the_module_is_in_the_table():
    found = {
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, ContractError) and value is not ContractError
    }
    assert found == set(CONTRACT_ROWS)


def test_a_methods_own_refusal_keeps_the_status_and_code_it_chose():
    error = ApiError(409, "conflict", "taken")
    assert (error.status, error.code, error.message) == (409, "conflict", "taken")


def test_an_api_error_without_arguments_is_a_500_internal():
    assert (ApiError().status, ApiError().code) == (500, "internal")


def test_the_body_is_the_contracts_error_object():
    assert errors.Forbidden("no").to_body() == {"error": {"code": "forbidden", "message": "no"}}


def test_the_text_of_an_error_names_status_code_and_message():
    assert str(errors.BadRequest("data is missing")) == "400 bad_request: data is missing"


def test_only_method_not_allowed_adds_a_header_naming_the_verbs_served():
    assert errors.MethodNotAllowed().HEADERS == {"Allow": "GET, POST, OPTIONS"}
    assert all(
        not error_class.HEADERS for error_class in CONTRACT_ROWS if error_class is not errors.MethodNotAllowed
    )
