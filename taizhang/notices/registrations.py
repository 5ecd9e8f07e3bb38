"""What notices declare to the core: the dispatch event, the models, the restore guard."""

from django.utils.translation import gettext_lazy as _

from taizhang.core.registry import registry

registry.events({"notices.reminders_sent": _("Reminders sent")})
registry.audited("notices.dispatch", _("reminder dispatch"),
                 not_browsable="sent once and never edited: its one event is its history")
registry.unaudited({
    "notices.notification": "a message to one user, written by an audited action (a reminder "
                            "dispatch, a report's return or approval); its read mark is the "
                            "recipient's own state",
})
registry.backup(not_office_data={
    "notices.notification": "messages to users, made from the office's data and actions",
    "notices.dispatch": "the history of reminders sent; the office's data is elsewhere",
})
