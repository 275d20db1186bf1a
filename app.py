"""eqsash-api as an AWS Chalice app: routes only; every decision is made in chalicelib."""

from chalice.app import Chalice

from chalicelib import console, cors, gateway
from chalicelib.refusals import contract_refusals

app = Chalice(app_name="eqsash-api")
# The first registered runs outermost: CORS headers go on every answer in its final shape.
app.register_middleware(cors.cors_middleware, "http")
app.register_middleware(contract_refusals, "http")


@app.route("/api", methods=["GET", "POST"], content_types=["*/*"])
def api() -> object:
    return gateway.handle(app.current_request)


@app.route("/api", methods=["OPTIONS"], content_types=["*/*"])
def api_preflight() -> object:
    return cors.preflight(app.current_request)


@app.route("/console", methods=["GET"], content_types=["*/*"])
def api_console() -> object:
    return console.serve()
