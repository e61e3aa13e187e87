namespace AcumaticaZendesk.StandIn;

/// <summary>Names of the state store personalities, as the environment and the chaos program's options spell them.</summary>
public static class StateStorePersonalities
{
    /// <summary>The variable <c>make ci</c> sets to run the end-to-end subset under another personality.</summary>
    public const string EnvironmentVariable = "STANDIN_STATE_STORE";

    public static StateStorePersonality FromEnvironment() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } name ? Parse(name) : StateStorePersonality.Sqlite;

    public static StateStorePersonality Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "sqlite" => StateStorePersonality.Sqlite,
        "postgresql" or "postgres" or "postgresql-v2" => StateStorePersonality.PostgreSqlV2,
        "redis" => StateStorePersonality.Redis,
        "cosmosdb" or "cosmos" => StateStorePersonality.CosmosDb,
        _ => throw new ArgumentException($"Unknown state store personality '{name}': use sqlite, postgresql, redis or cosmosdb", nameof(name)),
    };
}
