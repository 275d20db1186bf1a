"""What only a developer runs: the local server, the local DynamoDB-compatible stores, packaging."""
