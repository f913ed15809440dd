using Guichet.Web.Data;
using Guichet.Web.Features.Administration;
using Guichet.Web.Features.Agenda;
using Guichet.Web.Features.Ants;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Features.Closures;
using Guichet.Web.Features.IdentityDocuments;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Features.Open311;
using Guichet.Web.Features.Quality;
using Guichet.Web.Features.Nearby;
using Guichet.Web.Features.Requests;
using Guichet.Web.Features.Satisfaction;
using Guichet.Web.Features.Waitlist;
using Guichet.Web.Features.Withdrawals;
using Guichet.Web.Features.Voice;
using Guichet.Web.Platform;

if (SchemaScript.TryRun(args)) return;

var builder = WebApplication.CreateBuilder(args);
builder.AddPlatform();          // clock, auth, rate limits, errors, pages, OpenAPI
builder.AddData();              // GuichetDb on SQLite or PostgreSQL, migrations, health
builder.AddSharedKeyRing();     // data-protection keys in the database: cookies and forms hold across nodes
builder.AddAppointments();
builder.AddAgenda();           // outcomes at the counter, week view, day sheet, calendar feeds
builder.AddClosures();         // closures of sites and stations, typed or imported from .ics
builder.AddIdentityDocuments(); // documents checklist: questionnaire, FAQ, per-organisation overrides
builder.AddNotifications();     // outbox, dispatcher, e-mail over SMTP
builder.AddAdministration();
builder.AddNearby();             // communes and distances, booking rules per reason, urgent reserve
builder.AddRequests();           // citizen requests: units, categories, web form, tracking, agents' inbox
builder.AddInbound();            // e-mail (POST /inbound/email), SMS and voice messages into requests
builder.AddOpen311();            // Open311 GeoReport v2 door (/open311/v2/): categories, reports in and out
builder.AddRequestCitizen();     // acknowledgement letter, personal space, map and GeoJSON, retention and data rights
builder.AddRequestWorkflow();    // requests: approval circuit, deadline alerts, canned answers, merge and split
builder.AddWaitlist();           // waiting list: freed slots offered to the first people waiting
builder.AddWithdrawals();        // deposits of applications, withdrawal slots, "titre disponible"
builder.AddAnts();              // ANTS hub endpoints, coordination API client (and its local fake)
builder.AddSatisfaction();      // satisfaction survey after an appointment or an answer, its page and results
builder.AddQuality();           // quality indicators: supervisors' dashboard, public transparency page, /api/v1/indicators
builder.AddVoice();             // voice server: dialogue per call, FastAGI and TwiML doors

var app = builder.Build();
await app.InitialiseDatabaseAsync();
app.EnsureKeyRing();
app.UsePlatform();
app.MapAppointments();
app.MapAgenda();
app.MapNotifications();
app.MapAdministration();
app.MapRequests();
app.MapInbound();
app.MapOpen311();
app.MapRequestCitizen();
app.MapRequestWorkflow();
app.MapAnts();
app.MapQuality();
app.MapVoice();
app.Run();

public partial class Program;   // for WebApplicationFactory
