using Guichet.Web.Data;
using Guichet.Web.Features.Administration;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform;

if (SchemaScript.TryRun(args)) return;

var builder = WebApplication.CreateBuilder(args);
builder.AddPlatform();          // clock, auth, rate limits, errors, pages, OpenAPI
builder.AddData();              // GuichetDb on SQLite or PostgreSQL, migrations, health
builder.AddAppointments();
builder.AddAdministration();

var app = builder.Build();
await app.InitialiseDatabaseAsync();
app.UsePlatform();
app.MapAppointments();
app.MapAdministration();
app.Run();

public partial class Program;   // for WebApplicationFactory
