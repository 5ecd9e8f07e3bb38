from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from taizhang.accounts.choices import Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Owners land on what they must do (this month's reports); everyone else on the ledger."""
    if request.user.role == Role.OWNER:
        return redirect("ledger:my-reports")
    return redirect("ledger:project-list")
