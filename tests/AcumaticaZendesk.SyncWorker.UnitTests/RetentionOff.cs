using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Retention;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.UnitTests;

/// <summary>The retention ledger as the worker has it by default: off, so it records nothing.</summary>
internal static class RetentionOff
{
    public static WorkflowRetentionLedger Ledger(IConnectorStateStore store, TimeProvider time) =>
        new(store, Options.Create(new WorkflowRetentionOptions()), time, NullLogger<WorkflowRetentionLedger>.Instance);
}
