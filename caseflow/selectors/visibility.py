"""What each staff member may see beyond cases (cases: `selectors.cases`). The API and
any other adapter read through these; none decides visibility itself."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from caseflow.models import (
    ArchiveLoan,
    ArchiveRecord,
    CapaTask,
    Declaration,
    DisclosureRequest,
    InternalInspection,
    Role,
    Staff,
)
from caseflow.selectors.cases import cases_for_staff

# R7.05: quality assurance coordinates, the head supervises, the QM signs off.
CAPA_OVERSEERS = (Role.QUALITY_ASSURANCE, Role.DEPARTMENT_HEAD, Role.QUALITY_MANAGER)


def oversees_capa(staff: Staff) -> bool:
    return staff.has_any_role(CAPA_OVERSEERS)


def tasks_for_staff(staff: Staff) -> QuerySet[CapaTask]:
    """R7.05: owners see their tasks; the coordinators see all."""
    tasks = CapaTask.objects.select_related("cycle__nonconformity").prefetch_related(
        "progress").order_by("due_at", "id")
    return tasks if oversees_capa(staff) else tasks.filter(owner=staff)


def inspections_for_staff(staff: Staff) -> QuerySet[InternalInspection]:
    inspections = InternalInspection.objects.order_by("target_at", "id")
    return inspections if oversees_capa(staff) else inspections.none()


def declarations_for_staff(staff: Staff) -> QuerySet[Declaration]:
    """Everyone sees their own commitments; the quality manager, who rules on declared
    conflicts (R9.01), sees all."""
    declarations = Declaration.objects.prefetch_related("relationships").order_by("-id")
    if staff.has_role(Role.QUALITY_MANAGER):
        return declarations
    return declarations.filter(staff=staff)


def live_loans(*, borrower: Staff, today: dt.date | None = None) -> QuerySet[ArchiveLoan]:
    """X12, R10.02: the loans during which `borrower` holds a dossier: approved by the
    department head, not returned, and today not past the return date."""
    today = today or timezone.localdate()
    return ArchiveLoan.objects.filter(borrower=borrower, state=ArchiveLoan.State.APPROVED,
                                      returned_at__isnull=True, return_due_on__gte=today)


def archives_for_staff(staff: Staff) -> QuerySet[ArchiveRecord]:
    """The archive records of the cases `staff` sees, and those they hold on a live loan
    (X12): a borrower sees the record (to download the dossier), not the case file."""
    on_loan = Exists(live_loans(borrower=staff).filter(archive=OuterRef("pk")))
    return ArchiveRecord.objects.filter(Q(case__in=cases_for_staff(staff)) | on_loan
                                        ).select_related("case").order_by("-archived_at", "-id")


def loans_for_staff(staff: Staff) -> QuerySet[ArchiveLoan]:
    """Loans of the archives of cases `staff` sees, and their own loans (R10.02)."""
    return ArchiveLoan.objects.filter(
        Q(archive__case__in=cases_for_staff(staff)) | Q(borrower=staff)).order_by("-id")


def disclosures_for_staff(staff: Staff) -> QuerySet[DisclosureRequest]:
    return DisclosureRequest.objects.filter(case__in=cases_for_staff(staff)).order_by("-id")


def annual_commitment_on_file(staff: Staff, year: int) -> bool:
    """R9.01: whether `staff` signed the annual commitment for `year` (without it the
    impartiality guard lets them take no step)."""
    return Declaration.objects.filter(staff=staff, kind=Declaration.Kind.ANNUAL,
                                      year=year).exists()
