"""eqsash-api as an AWS Chalice app: routes only; every decision is made in chalicelib."""

from chalice.app import Chalice

from chalicelib import gateway
from chalicelib.refusals import contract_refusals

app = Chalice(app_name="eqsash-api")
app.register_middleware(contract_refusals, "http")


@app.route("/api", methods=["GET", "POST"], content_types=["*/*"])
def api() -> object:
    return gateway.handle(app.current_request)
