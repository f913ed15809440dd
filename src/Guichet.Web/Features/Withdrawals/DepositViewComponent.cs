using Guichet.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Withdrawals;

/// <summary>On the agent's appointment page: record the deposit, or where it stands.</summary>
public sealed class DepositViewComponent(GuichetDb db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Appointment appointment, Site site)
    {
        var deposit = await db.Set<ApplicationDeposit>().AsNoTracking().FirstOrDefaultAsync(d => d.AppointmentId == appointment.Id);
        return View("/Features/Withdrawals/_Deposit.cshtml", (appointment, site, deposit));
    }
}
