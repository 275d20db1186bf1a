"""eqsash-api as an AWS Chalice app: routes only; every decision is made in chalicelib."""

from typing import Any

from chalicelib import gateway
from chalicelib.http import cors
from chalicelib.http.entry import GatewayApp
from chalicelib.http.refusals import contract_refusals

# Chalice, but for /api: its events are answered from the event by the fast path (http/entry.py),
# which does what the route and the middleware below do.
app = GatewayApp(app_name="eqsash-api")
# One middleware sees every answer: Chalice's own refusals in the contract's shape, CORS headers on all.
app.register_middleware(contract_refusals, "http")


# Every verb but OPTIONS (the CORS preflight, below) reaches this view, so that API Gateway hands PUT,
# DELETE, ... to the gateway, which answers 405 in the contract's shape (API Gateway itself would answer
# 403 "Missing Authentication Token").
@app.route("/api", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"], content_types=["*/*"])
def api() -> object:
    return gateway.handle(app.current_request)


@app.route("/api", methods=["OPTIONS"], content_types=["*/*"])
def api_preflight() -> object:
    return cors.preflight(app.current_request)


@app.route("/console", methods=["GET"], content_types=["*/*"])
def api_console() -> object:
    from chalicelib.http import console  # imported when asked for: not on the /api cold path

    return console.serve()


@app.lambda_function(name="internal")
def internal(event: object, context: Any) -> dict[str, Any]:
    """Internal calls for IAM-authorized invokers only: a plain Lambda function, no HTTP route."""
    from chalicelib import internal_entry  # imported when invoked: not on the /api cold path

    return internal_entry.handle(event, getattr(context, "aws_request_id", "-"))
