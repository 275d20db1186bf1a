"""Storage behind one interface (`base.Store`): DynamoDB in production, memory for tests and the test kit."""
