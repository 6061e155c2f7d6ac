"""Cases the staff-page tests meet, built through the actions the product uses."""

from django.utils import timezone

from caseflow.actions.appeals import (
    appeal_draft_ruling,
    appeal_organize,
    appeal_request_committee,
)
from caseflow.actions.handling import case_approve, case_review, case_send_decision
from caseflow.actions.intake import case_accept
from caseflow.actions.notices import SendingProof
from tests.personas import appeal, commit


def appeal_before_committee(people, **kw):
    """An appeal the body ruled on, whose appellant asked for the impartiality committee
    (R8.10): in the committee's queue. The members have signed nothing for it yet."""
    case = appeal(people, **kw)
    commit(case, people.head, people.handler, people.quality_manager, people.office)
    case = case_accept(case=case, acting_user=people.head, action_to_take="组织复核")
    case = appeal_organize(case=case, acting_user=people.head, handler=people.handler)
    case = appeal_draft_ruling(case=case, acting_user=people.handler, ruling="维持原核查结论")
    case = case_review(case=case, acting_user=people.head)
    case = case_approve(case=case, acting_user=people.quality_manager)
    case = case_send_decision(case=case, acting_user=people.office, channel="registered_mail",
                              registered_mail_number="XA100200300CN",
                              client=SendingProof(channel="registered_mail",
                                                  registered_mail_number="XA100200301CN"))
    return appeal_request_committee(case=case, acting_user=people.office,
                                    requested_at=timezone.now(), reason="仍不服裁定")
