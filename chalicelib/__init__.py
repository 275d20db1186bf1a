"""eqsash-api: a module API gateway for AWS Chalice."""
