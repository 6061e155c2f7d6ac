"""schemathesis's command line against a live server (`make fuzz`, SCHEMATHESIS_HOOKS):
`positive_data_acceptance` with the business-rule allowance the in-process run has
(tests/api/schema_allowances.py); the command line leaves the plain check out."""

import schemathesis

from tests.api.schema_allowances import positive_data_acceptance_but_business_rules

schemathesis.check(positive_data_acceptance_but_business_rules)
