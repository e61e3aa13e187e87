using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.ServiceDefaults;
using AcumaticaZendesk.SyncWorker;

return await ServiceHost.RunAsync(args, DaprNames.AppIds.SyncWorker,
    builder => builder.AddSyncWorker(),
    app => app.MapSyncWorker());

/// <summary>Visible to <c>WebApplicationFactory&lt;Program&gt;</c> in tests.</summary>
public partial class Program;
