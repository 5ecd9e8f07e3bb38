from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township / street")


class OrganizationKind(models.TextChoices):
    OFFICE = "office", _("Key-project office")
    DEPARTMENT = "department", _("Department")
    TOWNSHIP = "township", _("Township / street")
    ENTERPRISE = "enterprise", _("Enterprise")
    BANK = "bank", _("Bank")


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("Office administrator")
    LEADER = "leader", _("City leader")
    UNIT_STAFF = "unit_staff", _("Responsible unit staff")
    OWNER = "owner", _("Project owner")
    BANK = "bank", _("Bank")
    VIEWER = "viewer", _("Viewer")
