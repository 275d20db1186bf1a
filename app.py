"""eqsash-api as an AWS Chalice app: routes only; every decision is made in chalicelib."""

from typing import Any

from chalice.app import Chalice

from chalicelib import gateway, internal_entry
from chalicelib.refusals import contract_refusals

app = Chalice(app_name="eqsash-api")
app.register_middleware(contract_refusals, "http")


# Every verb reaches the view, so that API Gateway hands PUT, DELETE, ... to the gateway, which answers
# 405 in the contract's shape (API Gateway itself would answer 403 "Missing Authentication Token").
@app.route(
    "/api", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"], content_types=["*/*"]
)
def api() -> object:
    return gateway.handle(app.current_request)


@app.lambda_function(name="internal")
def internal(event: object, context: Any) -> dict[str, Any]:
    """Internal calls for IAM-authorized invokers only: a plain Lambda function, no HTTP route."""
    return internal_entry.handle(event, getattr(context, "aws_request_id", "-"))
