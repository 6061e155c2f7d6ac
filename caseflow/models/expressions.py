"""Query expressions the domain's reads share."""

from django.db.models import BooleanField, F, Func


class KeyAmong(Func):
    """Whether a key column holds one of `ids` (`column IN ids`), false where it is null
    (so that excluding it keeps the rows without one, as Django's `__in` does).

    On PostgreSQL the ids travel as one array parameter (`= ANY(%s)`): a list of hundreds
    (the engagements a department head signed, the cases a role sees) written as one
    placeholder each cost the ORM and psycopg several milliseconds a query to build and
    parse, twice a page (the page and its count). The array is passed as its text
    (`{1,2,3}`), which psycopg sends as it is: dumping a list of 500 ints took it about
    0.35 ms, twice a page. Elsewhere: a plain IN list."""

    output_field = BooleanField()

    def __init__(self, column: str, ids):
        super().__init__(F(column))
        self.ids = sorted(int(pk) for pk in ids)

    def as_sql(self, compiler, connection, **extra):
        key = self.get_source_expressions()[0]
        column, params = compiler.compile(key)
        if not self.ids:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            # Of the column's own type: PostgreSQL hashes a long list only when both sides
            # hash alike (bigint against int[] tests each row against every id in turn).
            array = f"%s::{key.output_field.db_type(connection)}[]"
            literal = "{" + ",".join(map(str, self.ids)) + "}"
            return f"({column} IS NOT NULL AND {column} = ANY({array}))", [*params, literal]
        placeholders = ", ".join(["%s"] * len(self.ids))
        return f"({column} IS NOT NULL AND {column} IN ({placeholders}))", [*params, *self.ids]
