"""What each staff member may see beyond cases (cases: `selectors.cases`). The API and
any other adapter read through these; none decides visibility itself."""

from django.db.models import QuerySet

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


def archives_for_staff(staff: Staff) -> QuerySet[ArchiveRecord]:
    return ArchiveRecord.objects.filter(case__in=cases_for_staff(staff)).select_related(
        "case").order_by("-archived_at", "-id")


def loans_for_staff(staff: Staff) -> QuerySet[ArchiveLoan]:
    return ArchiveLoan.objects.filter(archive__in=archives_for_staff(staff)).order_by("-id")


def disclosures_for_staff(staff: Staff) -> QuerySet[DisclosureRequest]:
    return DisclosureRequest.objects.filter(case__in=cases_for_staff(staff)).order_by("-id")
