namespace AcumaticaZendesk.Sync.Ports;

/// <summary>Why the engine stopped a tenant's run before its end (<see cref="SyncPagesResult.StopCause"/>); nothing a retry would fix.</summary>
public enum RunStopCause
{
    /// <summary>A system refused the tenant's credentials and they cannot be renewed: an operator must authorize again.</summary>
    NeedsAuthorization,

    /// <summary>The tenant's settings or secrets do not let the connector reach a system: an operator must change them.</summary>
    Configuration,
}
