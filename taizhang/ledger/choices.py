from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    PLANNING = "planning", _("Planning / reserve")
    PRELIMINARY = "preliminary", _("Preliminary work")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    COMPLETED = "completed", _("Completed / in production")
    ON_HOLD = "on_hold", _("On hold")
    CANCELLED = "cancelled", _("Cancelled")


# Stages that take no monthly report (the report service refuses them; the reporting board
# does not expect one).
NO_REPORT_STAGES = frozenset({Stage.CANCELLED})

# Allowed stage moves; anything else is refused by the stage service.
STAGE_TRANSITIONS: dict[str, set[str]] = {
    Stage.PLANNING: {Stage.PRELIMINARY, Stage.UNDER_CONSTRUCTION, Stage.ON_HOLD, Stage.CANCELLED},
    Stage.PRELIMINARY: {Stage.PLANNING, Stage.UNDER_CONSTRUCTION, Stage.ON_HOLD, Stage.CANCELLED},
    Stage.UNDER_CONSTRUCTION: {Stage.COMPLETED, Stage.ON_HOLD, Stage.CANCELLED},
    Stage.COMPLETED: {Stage.UNDER_CONSTRUCTION},
    Stage.ON_HOLD: {Stage.PLANNING, Stage.PRELIMINARY, Stage.UNDER_CONSTRUCTION, Stage.CANCELLED},
    Stage.CANCELLED: set(),
}


class Batch(models.TextChoices):
    """The article's four batches: 谋划一批、开工一批、建设一批、保投产一批."""

    PLANNING = "planning", _("Planning batch")
    STARTING = "starting", _("Starting batch (new starts this year)")
    BUILDING = "building", _("Building batch (continuing construction)")
    PRODUCING = "producing", _("Production batch (completed this year)")


class Nature(models.TextChoices):
    NEW = "new", _("New construction")
    EXPANSION = "expansion", _("Expansion")
    RECONSTRUCTION = "reconstruction", _("Reconstruction")
    RELOCATION = "relocation", _("Relocation")
    RESTORATION = "restoration", _("Restoration")
    PURCHASE = "purchase", _("Purchase only")
    TECH_UPGRADE = "tech_upgrade", _("Technical upgrade")


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections."""

    A = "A", _("Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("Mining")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, heat, gas and water")
    E = "E", _("Construction")
    F = "F", _("Wholesale and retail")
    G = "G", _("Transport, storage and post")
    H = "H", _("Accommodation and catering")
    I = "I", _("Information technology services")  # noqa: E741
    J = "J", _("Finance")
    K = "K", _("Real estate")
    L = "L", _("Leasing and business services")
    M = "M", _("Research and technical services")
    N = "N", _("Water, environment and public facilities")
    O = "O", _("Resident services and repairs")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Health and social work")
    R = "R", _("Culture, sports and entertainment")
    S = "S", _("Public administration and social organizations")
    T = "T", _("International organizations")


class ProjectType(models.TextChoices):
    INDUSTRY = "industry", _("Industry")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    SOCIAL = "social", _("Social undertakings")
    REAL_ESTATE = "real_estate", _("Real estate")
    SERVICES = "services", _("Modern services")
    AGRICULTURE = "agriculture", _("Agriculture")
    OTHER = "other", _("Other")


class ListLevel(models.TextChoices):
    PROVINCE = "province", _("Provincial")
    PREFECTURE = "prefecture", _("Prefectural")
    COUNTY = "county", _("County / city")


class ListKind(models.TextChoices):
    KEY = "key", _("Key projects")
    PRESTAGE = "prestage", _("Pre-stage projects")


class MembershipStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
