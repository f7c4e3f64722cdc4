"""Operations that read and write the database: one function per operation, called alike by
pages, the JSON API, the command line and tests."""
