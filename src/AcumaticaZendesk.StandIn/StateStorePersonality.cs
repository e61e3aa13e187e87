namespace AcumaticaZendesk.StandIn;

/// <summary>
/// Which real Dapr state store component the stand-in's state store behaves like. Each differs in its ETags and in
/// how it refuses a conditional write (see <see cref="FakeStateStore"/> and the table in docs/testing.md).
/// </summary>
public enum StateStorePersonality
{
    /// <summary>state.sqlite (components-contrib <c>state/sqlite/sqlite_dbaccess.go</c>): UUID ETags; every refusal is an ETag error.</summary>
    Sqlite,

    /// <summary>
    /// state.postgresql v2 (<c>state/postgresql/v2/postgresql.go</c>): UUID ETags; a first-write insert of a taken key
    /// fails with "no item was updated", which is no ETag error.
    /// </summary>
    PostgreSqlV2,

    /// <summary>
    /// state.redis (<c>state/redis/redis.go</c>, non-JSON values): integer version ETags; a key written with
    /// first-write concurrency refuses every later write without its ETag ("failed to set key"), which is no ETag error.
    /// </summary>
    Redis,

    /// <summary>
    /// state.azure.cosmosdb (<c>state/azure/cosmosdb/cosmosdb.go</c>): opaque quoted ETags, upserts guarded by
    /// If-Match (412 is an ETag error); at most 100 operations per transaction.
    /// </summary>
    CosmosDb,
}
