"""Every SQL statement of Eerste Stap: schema, directory, pseudonymous user state, queues."""
