from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    """Where a lead came from (the article's channels)."""

    JINGJIN = "jingjin", _("Beijing–Tianjin–Hebei coordination")
    BUSINESS_REFERRAL = "business_referral", _("Referral by investors")
    INDUSTRY_CHAIN = "industry_chain", _("Industry-chain attraction")
    RETURNING = "returning", _("Returning entrepreneurs")
    OTHER = "other", pgettext_lazy("attraction channel", "Other")


class LeadStage(models.TextChoices):
    """lead → negotiating (洽谈) → signed (签约) → landed (落地) → started.

    The first four are stored on the lead and moved by `services.advance`; "started" is
    never stored: it is derived from the ledger project the lead became (its actual start),
    so the ledger's stage change is the one place a start is recorded."""

    LEAD = "lead", pgettext_lazy("attraction stage", "Lead")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", pgettext_lazy("attraction stage", "Signed")
    LANDED = "landed", pgettext_lazy("attraction stage", "Landed")
    STARTED = "started", pgettext_lazy("attraction stage", "Started")


# The stored stages in order; advance moves one step along it.
STORED = (LeadStage.LEAD, LeadStage.NEGOTIATING, LeadStage.SIGNED, LeadStage.LANDED)
# The date column on the lead that says when it entered each stored stage.
DATE_OF = {
    LeadStage.LEAD: "registered_on",
    LeadStage.NEGOTIATING: "negotiating_on",
    LeadStage.SIGNED: "signed_on",
    LeadStage.LANDED: "landed_on",
}
